package io.runbook.steps.host.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.steps.HostileValues;
import io.runbook.steps.host.TestHosts;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * db.service.* over the real sshd with hostile values where an inventory puts them: a systemd unit name and the
 * arguments of custom service commands. The (fake, first on PATH) systemctl and the custom command write the
 * argument they received to a file; it is read back byte-equal, and the canary never exists.
 */
class ServiceInjectionTest {
  private static final Path FAKES = Path.of("target", "service-injection-" + System.nanoTime()).toAbsolutePath();
  private static final Path BIN = FAKES.resolve("bin");
  private static final Path RECEIVED = FAKES.resolve("received");

  @RegisterExtension
  static final SshdExtension SSHD = new SshdExtension(Map.of("PATH", BIN + ":/usr/sbin:/usr/bin:/sbin:/bin",
      "RECEIVED", RECEIVED.toString()));

  private static final String SYSTEMCTL = """
      #!/bin/sh
      [ "$1" = is-active ] || exit 64
      printf '%s' "$2" > "$RECEIVED"
      echo inactive
      exit 3
      """;

  @AfterAll
  static void removeFakes() { io.runbook.testkit.mariadb.MariaDbServer.deleteTree(FAKES); }

  @Test
  void aUnitNameAndCustomCommandArgumentsArriveVerbatim(Sshd sshd) throws Exception {
    Files.createDirectories(BIN);
    Path fake = BIN.resolve("systemctl");
    Files.writeString(fake, SYSTEMCTL);
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path canary = FAKES.resolve("canary");
    for (String v : HostileValues.shell(canary)) {
      Files.deleteIfExists(RECEIVED);
      ServiceSpec systemd = new ServiceSpec("systemd", Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.of(v), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
      try (StandaloneStepContext c = ctx(sshd, systemd)) {
        assertFalse(new DbServiceStatus().run(new DbServiceStatus.Input(Optional.empty()), c).running());
      }
      assertArrayEquals(v.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(RECEIVED), "unit name: " + v);

      Files.deleteIfExists(RECEIVED);
      List<String> record = List.of("sh", "-c", "printf '%s' \"$1\" > \"$RECEIVED\"", "sh", v);
      ServiceSpec custom = new ServiceSpec("custom", Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.of(List.of("false")), Optional.of(List.of("false")), Optional.of(record), Optional.empty());
      try (StandaloneStepContext c = ctx(sshd, custom)) {
        assertTrue(new DbServiceStatus().run(new DbServiceStatus.Input(Optional.empty()), c).running());
      }
      assertArrayEquals(v.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(RECEIVED), "custom argument: " + v);
    }
    assertFalse(Files.exists(canary), "a value was run as a command");
  }

  private static StandaloneStepContext ctx(Sshd sshd, ServiceSpec svc) {
    Host h = TestHosts.host("db1", TestHosts.ssh(sshd), Optional.empty(), Optional.empty(), Optional.of(svc));
    return TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"));
  }
}
