package io.runbook.steps.cloud.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.testkit.mariadb.MariaDbServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A VM's server: one still starting (no pid file yet) is found and waited for; another VM's is never taken for it. */
class VmServerTest {
  private final Path root = Path.of("target", "sandbox-vmserver-" + ProcessHandle.current().pid()).toAbsolutePath();
  private final SandboxLayout layout = new SandboxLayout(root);
  private final SandboxCloud cloud = new SandboxCloud(layout);

  @AfterEach
  void clean() throws Exception {
    for (String vm : layout.names(layout.vms())) new VmServer(layout, vm).kill();
    MariaDbServer.deleteTree(root);
  }

  /**
   * An engine killed right after launching mariadbd leaves a server without its pid file for a moment; the resumed
   * start must wait for that server, not launch a second one on the same datadir (found by the crash sweep).
   */
  @Test
  void aServerThatIsStillStartingIsWaitedForNotStartedTwice() throws Exception {
    VmServer.Settings settings = bootableVm("vm1", 7);
    VmServer server = new VmServer(layout, "vm1");

    // The launch a killed engine left behind: the server runs, its pid file is not written yet.
    Process launched = new ProcessBuilder(server.command(VmServer.binary(), settings))
        .redirectErrorStream(true).redirectOutput(layout.vm("vm1").resolve("launched.out").toFile())
        .redirectInput(new File("/dev/null")).start();
    assertTrue(server.pid().isPresent(), "found by its command line, with or without its pid file");
    assertEquals(launched.pid(), server.pid().getAsLong());

    long started = server.start(settings, StepLog.NONE);
    assertEquals(launched.pid(), started, "the server already starting, not a second one");
    assertTrue(Files.isRegularFile(layout.pidFile("vm1")), "start returns once the server wrote its pid file");
    long servers = ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains("--pid-file=" + layout.pidFile("vm1"))).orElse(false))
        .count();
    assertEquals(1, servers, "one mariadbd for the VM");

    server.kill();
    assertFalse(server.running());
  }

  /**
   * A pid file left by a killed server may name a pid that now belongs to another VM's mariadbd (pids wrap around on
   * a busy machine): that VM's server is not this one's, and stopping this VM must leave it running.
   */
  @Test
  void aStalePidFileNamingAnotherVmsServerIsNotThisVmsServer() throws Exception {
    VmServer.Settings settings = bootableVm("vm1", 7);
    VmServer vm1 = new VmServer(layout, "vm1");
    long pid = vm1.start(settings, StepLog.NONE);
    cloud.createVm("vm2", 8);
    Files.writeString(layout.pidFile("vm2"), pid + "\n");
    VmServer vm2 = new VmServer(layout, "vm2");

    assertFalse(vm2.running(), "vm2's pid file names vm1's server");
    assertFalse(vm2.stop(java.time.Duration.ofSeconds(5), StepLog.NONE), "nothing of vm2's to stop");
    vm2.kill();
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "vm1's server was left alone");
    assertEquals(pid, vm1.pid().getAsLong());
  }

  /** A VM with an installed, empty datadir on its data disk; the settings to start its server. */
  private VmServer.Settings bootableVm(String vm, int serverId) throws Exception {
    cloud.createVm(vm, serverId);
    var disk = cloud.createEmptyDisk(new NewDisk(vm + "-data", "sandbox", null, "Premium_LRS", Map.of()), 1);
    cloud.attach(vm, disk.name(), 9);
    Path datadir = layout.diskFs(disk.name()).resolve("mysql");
    var install = VmServer.run(List.of("mariadb-install-db", "--no-defaults", "--user=" + System.getProperty("user.name"),
        "--datadir=" + datadir, "--auth-root-authentication-method=normal", "--skip-test-db"));
    assertEquals(0, install.exitCode(), install.stdout() + install.stderr());
    Files.createDirectories(layout.tmpdir(vm));
    return new VmServer.Settings(datadir, MariaDbServer.freePort(), layout.socket(vm), serverId);
  }
}
