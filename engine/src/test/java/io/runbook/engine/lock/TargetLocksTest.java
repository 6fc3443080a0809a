package io.runbook.engine.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.inventory.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetLocksTest {
  @TempDir Path dir;

  Inventory inventory(String name, String vm, int dbPort, String address) throws Exception {
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, """
        inventory: %s
        cloud: { provider: sandbox, root: %s }
        hosts:
          main:
            vm: %s
            transport: { kind: ssh, address: %s, user: ops, key: /k, knownHosts: /kh }
            db: { port: %d, user: app, password: env:PW }
        """.formatted(name, dir.resolve("estate"), vm, address, dbPort));
    return InventoryLoader.load(f);
  }

  @Test
  void theSameServerUnderAnotherInventoryNameIsRefusedNamingTheServerAndTheHolder() throws Exception {
    Path locks = dir.resolve("locks");
    Inventory prod = inventory("prod", "vm-db-1", 3306, "10.0.0.4");
    Inventory renamed = inventory("prod-copy", "vm-db-9", 3306, "10.0.0.4"); // same MariaDB, other VM name
    try (TargetLocks first = TargetLocks.acquire(locks, prod, "20261125-171501-ab12", Set.of(), w -> {})) {
      RunLock.HeldException e = assertThrows(RunLock.HeldException.class,
          () -> TargetLocks.acquire(locks, renamed, "20261125-171502-cd34", Set.of(), w -> {}));
      assertTrue(e.getMessage().startsWith("the MariaDB server at 10.0.0.4:3306 (host main) is in use by run "
          + "20261125-171501-ab12 (pid " + ProcessHandle.current().pid()), e.getMessage());
      try (Stream<Path> s = Files.list(locks)) {
        assertEquals(2, s.count(), "the refused run released the VM lock it had taken");
      }
      // Another server and VM: independent.
      try (TargetLocks other = TargetLocks.acquire(locks, inventory("staging", "vm-db-2", 3307, "10.0.0.4"),
          "20261125-171503-ef56", Set.of(), w -> {})) {
        assertEquals(4, Files.list(locks).count());
      }
    }
    try (Stream<Path> s = Files.list(locks)) {
      assertEquals(0, s.count(), "all released");
    }
    try (TargetLocks again = TargetLocks.acquire(locks, renamed, "20261125-171504-0000", Set.of(), w -> {})) {
      assertEquals(2, Files.list(locks).count());
    }
  }

  @Test
  void targetsAreTheVmsAndServersWhateverTheirNames() throws Exception {
    List<TargetLocks.Target> a = TargetLocks.of(inventory("a", "vm-db-1", 3306, "10.0.0.4"));
    List<TargetLocks.Target> b = TargetLocks.of(inventory("b", "vm-db-1", 3306, "10.0.0.4"));
    assertEquals(a.stream().map(TargetLocks.Target::identity).toList(), b.stream().map(TargetLocks.Target::identity).toList());
    assertEquals(2, a.size(), a.toString());
    assertTrue(a.get(0).description().contains("sandbox VM vm-db-1"), a.toString());
  }

  @Test
  void staleTargetLocksOfAKilledRunAreTakenOverWithOneWarningForThatRun() throws Exception {
    Path locks = Files.createDirectories(dir.resolve("locks"));
    Inventory prod = inventory("prod", "vm-db-1", 3306, "10.0.0.4");
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    for (TargetLocks.Target t : TargetLocks.of(prod)) {
      Files.writeString(locks.resolve(TargetLocks.fileName(t) + ".lock"), "runId=20261125-100000-dead\npid=" + p.pid()
          + "\nhost=" + host + "\nstarted=2026-11-25T10:00:00Z\n");
    }
    List<String> warnings = new java.util.ArrayList<>();
    try (TargetLocks taken = TargetLocks.acquire(locks, prod, "20261125-171501-ab12", Set.of(), warnings::add)) {
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("took over the stale locks of 2 VM(s) and server(s) of this inventory held by"
          + " run 20261125-100000-dead (pid " + p.pid()), warnings.get(0));
    }
    for (TargetLocks.Target t : TargetLocks.of(prod)) {
      Files.writeString(locks.resolve(TargetLocks.fileName(t) + ".lock"), "runId=20261125-100000-dead\npid=" + p.pid()
          + "\nhost=" + host + "\nstarted=2026-11-25T10:00:00Z\n");
    }
    warnings.clear();
    try (TargetLocks taken = TargetLocks.acquire(locks, prod, "20261125-171502-ab12", Set.of("20261125-100000-dead"),
        warnings::add)) {
      assertEquals(List.of(), warnings, "already reported with the inventory's lock");
    }
  }
}
