package io.runbook.testkit.sshd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SshdTest {

  /** Runs the OpenSSH client against the server with strict host key checking. */
  private static Process ssh(Sshd sshd, String... remote) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + sshd.knownHosts(),
        "-i", sshd.clientKey().toString(), "-p", Integer.toString(sshd.port()), sshd.user() + "@" + sshd.host()));
    cmd.addAll(List.of(remote));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  void acceptsTheClientKeyWithStrictHostKeyCheckingAndPassesSessionEnv() throws Exception {
    Path dir = Path.of("target", "sshd-selftest-env");
    try (Sshd sshd = Sshd.start(dir, Map.of("RUNBOOK_MARK", "seen"))) {
      Process p = ssh(sshd, "echo", "hello-$RUNBOOK_MARK");
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);
      assertEquals("hello-seen", out.trim());
      assertTrue(sshd.knownHosts().toFile().isFile());
    }
    assertFalse(Files.exists(dir), "close deletes the server's folder");
  }

  @Test
  void killSessionsDropsALiveCommandButKeepsListening() throws Exception {
    try (Sshd sshd = Sshd.start(Path.of("target", "sshd-selftest-kill"))) {
      Process p = ssh(sshd, "sleep", "30");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int killed = 0;
      while (killed == 0 && System.nanoTime() < until) {
        Thread.sleep(100);
        killed = sshd.killSessions();
      }
      assertTrue(killed > 0, "a session process existed");
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "client saw the drop");
      assertEquals(255, p.exitValue(), "ssh reports a connection error with 255");
      Process again = ssh(sshd, "true");
      assertEquals(0, again.waitFor(), "the listener still accepts connections");
    }
  }
}
