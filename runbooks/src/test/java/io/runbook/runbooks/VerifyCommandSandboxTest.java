package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code runbook verify RUN_ID} after real runs of planned-shutdown and planned-startup on a sandbox estate: the
 * promises of planned-startup hold right after it, fail (naming the check and what was found) once the primary is
 * read-only again and a replica stopped replicating, and verify itself changes nothing. A run stopped by a
 * precondition is refused unless --force; an unknown run id is bad input.
 */
class VerifyCommandSandboxTest {

  private static InProcessCli.Out verify(SandboxDrill d, String... args) {
    List<String> argv = new ArrayList<>(List.of("--state-dir", d.stateDir.toString()));
    argv.addAll(List.of(args));
    return InProcessCli.runShown(argv);
  }

  @Test
  void checksAFinishedRunsPromisesAgainstTheHostsAsTheyAreNow() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("verify-cmd", 1)) {
      String password = Files.readString(d.estate.passwordFile()).strip();
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)");

      // The server already runs: a precondition stops planned-startup before it does anything.
      assertEquals(3, d.run("planned-startup", "replicas=replica-1").exit());
      String stopped = d.lastRunDir().getFileName().toString();
      InProcessCli.Out refused = verify(d, "verify", stopped);
      assertEquals(2, refused.exit(), refused.text());
      assertTrue(refused.text().contains("runbook: run " + stopped + " (planned-startup) did not succeed (status:"
          + " precondition-false): the promises of its verify: section are not expected to hold; nothing was checked"),
          refused.text());
      assertFalse(refused.text().contains("PASS") || refused.text().contains("FAIL"), refused.text());
      InProcessCli.Out forced = verify(d, "verify", stopped, "--force");
      assertNotEquals(2, forced.exit(), forced.text());
      assertTrue(forced.text().contains("== verify run " + stopped + ": planned-startup\n"), forced.text());

      assertEquals(0, d.run("planned-shutdown", "replicas=replica-1", "drainTimeout=20s").exit());
      assertEquals(0, d.run("planned-startup", "replicas=replica-1").exit());
      String started = d.lastRunDir().getFileName().toString();

      InProcessCli.Out ok = verify(d, "verify", started);
      assertEquals(0, ok.exit(), ok.text());
      assertTrue(ok.text().contains("run: succeeded\n"), ok.text());
      assertTrue(ok.text().contains("  PASS  the primary takes writes (read_only = 0)\n"
          + "        SELECT @@global.read_only on primary = 0\n"), ok.text());
      assertTrue(ok.text().contains("  PASS  every replica replicates from the primary through every replication connection"
          + " (Slave_IO_Running and Slave_SQL_Running = Yes)\n        db.status on replica-1: "), ok.text());
      assertTrue(ok.text().contains("VERIFY PASSED: all 3 check(s) hold"), ok.text());

      // Promises broken after the run: the primary read-only again, the replica's threads stopped.
      d.sql("primary", "SET GLOBAL read_only = ON");
      d.sql("replica-1", "STOP SLAVE");
      InProcessCli.Out broken = verify(d, "verify", started);
      assertEquals(1, broken.exit(), broken.text());
      assertTrue(broken.text().contains("  FAIL  the primary takes writes (read_only = 0)\n"
          + "        SELECT @@global.read_only on primary = 0: it returned '1'\n"), broken.text());
      assertTrue(broken.text().contains("  FAIL  every replica replicates from the primary") && broken.text().contains(
          "replica-1: it is false ("), broken.text());
      assertTrue(broken.text().contains("  PASS  without replicas, the primary replicates from no other server"), broken.text());
      assertTrue(broken.text().contains("VERIFY FAILED: 2 of 3 check(s) failed"), broken.text());
      InProcessCli.Out json = verify(d, "--output", "json", "verify", started);
      assertEquals(1, json.exit(), json.text());
      assertTrue(json.text().contains("{\"type\":\"verify\",\"run\":\"" + started + "\",\"runbook\":\"planned-startup\","
          + "\"status\":\"succeeded\",\"passed\":false,"), json.text());
      // It only read: what it found broken stays as it was.
      assertEquals("1", d.value("primary", "SELECT @@global.read_only"));
      assertEquals("No", d.replicaStatus("replica-1").get("Slave_SQL_Running"));
      for (String out : List.of(ok.text(), broken.text(), json.text(), forced.text())) {
        assertFalse(out.contains(password), "the database password is never printed");
      }

      InProcessCli.Out unknown = verify(d, "verify", "20990101-000000-0000");
      assertEquals(2, unknown.exit(), unknown.text());
      assertTrue(unknown.text().contains("runbook: no run 20990101-000000-0000 in " + d.stateDir.resolve("runs")), unknown.text());
    }
  }
}
