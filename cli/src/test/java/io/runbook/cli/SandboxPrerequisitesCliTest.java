package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.steps.cloud.sandbox.VmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On a machine without mariadbd (played with an empty {@code RUNBOOK_SANDBOX_BIN_PATH}), {@code sandbox up},
 * {@code demo} and {@code drill} refuse before making anything: exit 2, the package to install and the README's set-up command named,
 * no stack trace, nothing installed and nothing under the root.
 */
class SandboxPrerequisitesCliTest {
  private final Path work = Path.of("target").toAbsolutePath();

  private void assertRefusedForMissingServer(CliProcess.Result r, Path root) {
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains("mariadbd (the MariaDB server) is not installed"), r.err());
    assertTrue(r.err().contains("install the Debian package mariadb-server"), r.err());
    assertTrue(r.err().contains("bin/install-prereqs && mvn -B -q package -DskipTests && bin/runbook demo"),
        "the README's set-up command: " + r.err());
    assertFalse(r.all().contains("Exception") || r.all().contains("\tat "), "no stack trace: " + r.all());
    assertFalse(r.all().contains("installing"), "nothing is installed: " + r.all());
    assertFalse(Files.exists(root), "nothing under the root " + root);
  }

  @Test
  void sandboxUpWithoutMariadbdNamesThePackageAndMakesNothing() throws Exception {
    Path emptyBin = Files.createDirectories(work.resolve("no-mariadb-bin"));
    Path root = work.resolve("prereq-up-" + ProcessHandle.current().pid());
    CliProcess.Result r = CliProcess.run(work, Map.of(VmServer.BIN_PATH_ENV, emptyBin.toString()),
        "sandbox", "up", "--root", root.toString());
    assertRefusedForMissingServer(r, root);
    assertTrue(r.err().contains("looked in " + emptyBin), r.err());
  }

  @Test
  void demoWithoutMariadbdNamesThePackageAndMakesNothing() throws Exception {
    Path root = work.resolve("prereq-demo-" + ProcessHandle.current().pid());
    CliProcess.Result r = CliProcess.run(work, Map.of(VmServer.BIN_PATH_ENV, ""), "demo", "--root", root.toString());
    assertRefusedForMissingServer(r, root);
    assertTrue(r.err().contains("looked in no folder"), r.err());
  }

  @Test
  void drillWithoutMariadbdNamesThePackageAndMakesNothing() throws Exception {
    Path root = work.resolve("prereq-drill-" + ProcessHandle.current().pid());
    CliProcess.Result r = CliProcess.run(work, Map.of(VmServer.BIN_PATH_ENV, "", "RUNBOOK_HOME", work.getParent().getParent().toString()),
        "drill", "dr-snapshot-restore", "--root", root.toString());
    assertRefusedForMissingServer(r, root);
  }

  @Test
  void theSearchPathFindsTheServerInTheFoldersItNames() throws Exception {
    // The property wins over the environment; folders are searched in order, missing ones skipped.
    Path installed = VmServer.binary(); // this machine has MariaDB (bin/install-prereqs)
    String before = System.getProperty(VmServer.BIN_PATH_PROPERTY);
    try {
      System.setProperty(VmServer.BIN_PATH_PROPERTY, work.resolve("no-such-folder") + ":" + installed.getParent());
      assertEquals(installed, VmServer.binary());
      System.setProperty(VmServer.BIN_PATH_PROPERTY, work.resolve("no-such-folder").toString());
      io.runbook.engine.spi.StepFailure f = org.junit.jupiter.api.Assertions.assertThrows(
          io.runbook.engine.spi.StepFailure.class, VmServer::binary);
      assertTrue(f.hint().contains("mariadb-server"), f.hint());
    } finally {
      if (before == null) System.clearProperty(VmServer.BIN_PATH_PROPERTY);
      else System.setProperty(VmServer.BIN_PATH_PROPERTY, before);
    }
  }

  @Test
  void snapshotHelpDocumentsEveryAndCount() {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.PrintStream ps = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, Main.run(new String[] {"sandbox", "snapshot", "--help"}, ps, ps));
    String help = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(help.contains("--every=DURATION") && help.contains("--count=N") && help.contains("stop after N rounds"), help);
  }

  @Test
  void snapshotCountWithoutEveryIsRefused() throws Exception {
    Path root = work.resolve("prereq-count-" + ProcessHandle.current().pid());
    CliProcess.Result r = CliProcess.run(work, Map.of(), "sandbox", "snapshot", "--root", root.toString(), "--count", "3");
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains("--count needs --every"), r.err());
    assertFalse(Files.exists(root));
  }
}
