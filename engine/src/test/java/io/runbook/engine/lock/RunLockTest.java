package io.runbook.engine.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
  @TempDir Path locks;

  @Test
  void aSecondRunIsRefusedWithTheHoldersRunIdAndPid() throws Exception {
    try (RunLock first = RunLock.acquire(locks, "prod", "20261125-171501-ab12", w -> {})) {
      RunLock.HeldException e = assertThrows(RunLock.HeldException.class,
          () -> RunLock.acquire(locks, "prod", "20261125-171502-cd34", w -> {}));
      assertTrue(e.getMessage().contains("20261125-171501-ab12"), e.getMessage());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      assertEquals("20261125-171501-ab12", e.holder().runId());
      // another target is independent
      try (RunLock other = RunLock.acquire(locks, "staging", "20261125-171503-ef56", w -> {})) {
        assertEquals("staging.lock", locks.resolve("staging.lock").getFileName().toString());
      }
    }
    assertFalse(Files.exists(locks.resolve("prod.lock")), "released");
    try (RunLock again = RunLock.acquire(locks, "prod", "20261125-171504-0000", w -> {})) {
      assertEquals("20261125-171504-0000", RunLock.holder(locks, "prod").orElseThrow().runId());
    }
  }

  @Test
  void aLockOfADeadProcessIsTakenOverWithAWarning() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long deadPid = p.pid();
    String host = InetAddress.getLocalHost().getHostName();
    Files.writeString(locks.resolve("prod.lock"),
        "runId=20261125-100000-dead\npid=" + deadPid + "\nhost=" + host + "\nstarted=2026-11-25T10:00:00Z\n");
    List<String> warnings = new ArrayList<>();
    try (RunLock lock = RunLock.acquire(locks, "prod", "20261125-171501-ab12", warnings::add)) {
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0).contains("20261125-100000-dead"), warnings.get(0));
      assertTrue(warnings.get(0).contains("stale"), warnings.get(0));
      assertEquals("20261125-171501-ab12", RunLock.holder(locks, "prod").orElseThrow().runId());
    }
  }

  @Test
  void aLockHeldOnAnotherHostIsNeverTakenOver() throws Exception {
    Files.writeString(locks.resolve("prod.lock"),
        "runId=20261125-100000-far0\npid=1\nhost=some-other-host\nstarted=2026-11-25T10:00:00Z\n");
    assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(locks, "prod", "20261125-171501-ab12", w -> {}));
  }

  @Test
  void aLockWhosePidNowBelongsToAnotherProcessIsStale() throws Exception {
    // Our own pid stands for "a live process", recorded with a start time that is not its own: the pid was reused.
    long pid = ProcessHandle.current().pid();
    String host = InetAddress.getLocalHost().getHostName();
    Files.writeString(locks.resolve("prod.lock"), "runId=20261125-100000-dead\npid=" + pid + "\nhost=" + host
        + "\nstarted=2026-11-25T10:00:00Z\nprocessStart=2026-01-01T00:00:00Z\n");
    List<String> warnings = new ArrayList<>();
    try (RunLock lock = RunLock.acquire(locks, "prod", "20261125-171501-ab12", warnings::add)) {
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("20261125-100000-dead"), warnings.get(0));
    }
    // The same pid with its true start time is a live holder.
    try (RunLock live = RunLock.acquire(locks, "prod", "20261125-171502-ab12", w -> {})) {
      assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(locks, "prod", "20261125-171503-ab12", w -> {}));
      assertTrue(Files.readString(locks.resolve("prod.lock")).contains("processStart="), "the start time is recorded");
    }
  }
}
