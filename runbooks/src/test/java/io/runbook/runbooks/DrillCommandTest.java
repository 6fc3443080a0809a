package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code runbook drill} end to end: a fresh estate, the run, the verify checks, the report, the teardown. */
class DrillCommandTest {
  record Drill(int exit, String out) {}

  static Drill drill(String name, String... extra) {
    Path root = Path.of("target", "drills", "drill-" + name).toAbsolutePath();
    List<String> argv = new ArrayList<>(List.of("--state-dir", Path.of("target", "drills", "drill-state").toAbsolutePath().toString(),
        "drill", "--root", root.toString()));
    argv.addAll(List.of(extra));
    InProcessCli.Out out = InProcessCli.runShown(argv);
    assertFalse(Files.exists(root), "the estate is torn down after the drill");
    return new Drill(out.exit(), out.text());
  }

  @Test
  void drSnapshotRestorePassesEveryCheck() {
    Drill d = drill("snapshot-restore", "dr-snapshot-restore.yaml", "-p", "replicas=replica-1");
    assertEquals(0, d.exit(), d.out());
    assertTrue(d.out().contains("PASS  the restored primary takes writes again (read_only = 0)"), d.out());
    assertTrue(d.out().contains("PASS  every rebuilt replica replicates from the restored primary through every replication"
        + " connection (Slave_IO_Running and Slave_SQL_Running = Yes)\n        db.status on replica-1: ${{ "), d.out());
    assertTrue(d.out().contains("PASS  without replicas, the primary replicates from no other server (no replication thread"
        + " runs)\n        SELECT COUNT(*) FROM information_schema.PROCESSLIST"), d.out());
    assertFalse(d.out().contains("FAIL "), d.out());
    assertTrue(d.out().contains("DRILL PASSED: the run succeeded and all 6 check(s) hold"), d.out());
    for (String phase : List.of("estate", "run", "verify")) {
      assertTrue(Pattern.compile("(?m)^  " + phase + " +\\d+\\.\\d s$").matcher(d.out()).find(), phase + " measured\n" + d.out());
    }
    assertTrue(Pattern.compile("pick: snapshot primary-data-\\S+ taken \\S+, [0-9.]+ s before the target").matcher(d.out()).find(),
        "data-loss window from the snapshot's age\n" + d.out());
  }

  @Test
  void aFailingCheckMakesTheDrillFail() throws Exception {
    Path rb = Path.of("target", "drills", "failing-check.yaml").toAbsolutePath();
    Files.createDirectories(rb.getParent());
    Files.writeString(rb, """
        runbook: failing-check
        params:
          primary: { type: host, default: primary }
        steps:
          - id: look
            use: db.status
            on: ${{ params.primary }}
        verify:
          - that: ${{ steps.look.reachable }}
            because: the primary answers
          - sql: SELECT @@global.read_only
            on: ${{ params.primary }}
            expect: 1
            because: the primary refuses writes
        """);
    Drill d = drill("failing-check", rb.toString());
    assertEquals(1, d.exit(), d.out());
    assertTrue(d.out().contains("PASS  the primary answers"), d.out());
    assertTrue(d.out().contains("FAIL  the primary refuses writes"), d.out());
    assertTrue(d.out().contains("SELECT @@global.read_only on primary = 1: it returned '0'"), d.out());
    assertTrue(d.out().contains("data-loss window: n/a"), d.out());
    assertTrue(d.out().contains("DRILL FAILED: 1 of 2 check(s) failed"), d.out());
  }

  /** A SQL check whose {@code on} is a list of hosts holds only when it holds on each; the report names the others. */
  @Test
  void aCheckOnAListOfHostsMustHoldOnEveryOne() throws Exception {
    Path rb = Path.of("target", "drills", "replica-checks.yaml").toAbsolutePath();
    Files.createDirectories(rb.getParent());
    Files.writeString(rb, """
        runbook: replica-checks
        params:
          replicas: { type: list<host>, default: [replica-1, replica-2] }
          none:     { type: list<host>, default: [] }
        steps:
          - id: break-one
            use: db.replica.stop
            on: replica-2
            with: {}
        verify:
          - sql: "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING'"
            on: ${{ params.replicas }}
            expect: "ON"
            because: every replica replicates
          - sql: "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING'"
            on: "${{ [params.replicas[0]] }}"
            expect: "ON"
            because: the first replica replicates
          - sql: SELECT 1
            on: ${{ params.none }}
            expect: 1
            because: no host, nothing to check
          - use: db.status
            on: ${{ params.replicas }}
            that: ${{ result.replica == true && result.notRunning == null }}
            because: every replica replicates through every connection
        """);
    Drill d = drill("replica-checks", rb.toString(), "--replicas", "2");
    assertEquals(1, d.exit(), d.out());
    assertTrue(d.out().contains("FAIL  every replica replicates\n        SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
        + " WHERE VARIABLE_NAME = 'SLAVE_RUNNING' on replica-1, replica-2 = ON: replica-2: it returned 'OFF'\n"), d.out());
    assertTrue(d.out().contains("PASS  the first replica replicates\n"), d.out());
    assertTrue(d.out().contains("PASS  no host, nothing to check\n        SELECT 1 on no hosts (nothing to check) = 1\n"), d.out());
    // A step check runs db.status on each replica now and names the fields that made it false.
    assertTrue(d.out().contains("FAIL  every replica replicates through every connection\n        db.status on replica-1, replica-2:"
        + " ${{ result.replica == true && result.notRunning == null }}: replica-2: it is false (result.replica = false,"
        + " result.notRunning = null)\n"), d.out());
    assertTrue(d.out().contains("DRILL FAILED: 2 of 4 check(s) failed"), d.out());
  }
  /**
   * Bad parameters are refused before anything is built, as a broken runbook is: an undeclared one, a host the
   * estate will not have; and so are a --root that holds something else and a --replicas the estate cannot have.
   */
  @Test
  void badParametersAreRefusedBeforeTheEstateIsBuilt() throws Exception {
    String hello = Path.of("examples", "hello.yaml").toAbsolutePath().toString();
    Drill undeclared = drill("bad-param", hello, "-p", "nope=1");
    assertEquals(2, undeclared.exit(), undeclared.out());
    assertTrue(undeclared.out().contains("nope"), undeclared.out());
    assertTrue(undeclared.out().contains("nothing was built or run"), undeclared.out());
    assertFalse(undeclared.out().contains("building a sandbox estate"), undeclared.out());

    Drill badHost = drill("bad-host", "dr-snapshot-restore.yaml", "-p", "primary=primry");
    assertEquals(2, badHost.exit(), badHost.out());
    assertTrue(badHost.out().contains("'primry' is not a host of inventory 'sandbox' (did you mean 'primary'?)"), badHost.out());
    assertTrue(badHost.out().contains("nothing was built or run"), badHost.out());
    assertFalse(badHost.out().contains("building a sandbox estate"), badHost.out());

    Path notAnEstate = Path.of("target", "drills", "not-an-estate").toAbsolutePath();
    Files.createDirectories(notAnEstate);
    Files.writeString(notAnEstate.resolve("keep.txt"), "someone's file\n");
    InProcessCli.Out occupied = InProcessCli.runShown(List.of("--state-dir", Path.of("target", "drills", "drill-state")
        .toAbsolutePath().toString(), "drill", "--root", notAnEstate.toString(), hello));
    assertEquals(2, occupied.exit(), occupied.text());
    assertTrue(occupied.text().contains(notAnEstate + " exists and is not a sandbox estate; refusing to build in it"),
        occupied.text());
    assertFalse(occupied.text().contains("building a sandbox estate") || occupied.text().contains("warning"), occupied.text());
    assertTrue(Files.exists(notAnEstate.resolve("keep.txt")), "the folder is left as it was");

    Drill replicas = drill("bad-replicas", hello, "--replicas", "12");
    assertEquals(2, replicas.exit(), replicas.out());
    assertTrue(replicas.out().contains("--replicas must be between 0 and 9, not 12"), replicas.out());
    assertFalse(replicas.out().contains("building a sandbox estate"), replicas.out());
  }
}
