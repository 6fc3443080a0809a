package io.runbook.testkit.arm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The extension turns a request the emulator does not serve into a failed test (a lenient one does not). */
class ArmEmulatorExtensionTest {
  @Test
  void anUnexpectedRequestFailsTheTestAfterIt() throws Exception {
    ArmEmulatorExtension ext = new ArmEmulatorExtension();
    ext.beforeAll(null);
    try {
      ext.beforeEach(null);
      ext.afterEach(null); // nothing unexpected: passes
      ext.beforeEach(null);
      sendUnserved(ext);
      AssertionError e = assertThrows(AssertionError.class, () -> ext.afterEach(null));
      assertTrue(e.getMessage().contains("galleries"), e.getMessage());
    } finally {
      ext.afterAll(null);
    }
  }

  @Test
  void aLenientOneLetsTheTestPassAndStillResetsBeforeEach() throws Exception {
    ArmEmulatorExtension ext = ArmEmulatorExtension.lenient();
    ext.beforeAll(null);
    try {
      ext.beforeEach(null);
      sendUnserved(ext);
      ext.afterEach(null); // passes
      assertTrue(!ext.get().unexpectedRequests().isEmpty(), "the emulator still lists it");
      ext.beforeEach(null);
      assertTrue(ext.get().unexpectedRequests().isEmpty(), "emptied before the next test");
    } finally {
      ext.afterAll(null);
    }
  }

  private static void sendUnserved(ArmEmulatorExtension ext) throws Exception {
    ext.get().httpClient().send(HttpRequest.newBuilder(
        URI.create(ext.get().endpoint() + "/subscriptions/x/providers/Microsoft.Compute/galleries?api-version=1"))
        .header("Authorization", "Bearer t").build(), HttpResponse.BodyHandlers.discarding());
  }
}
