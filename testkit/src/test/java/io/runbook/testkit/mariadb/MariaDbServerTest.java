package io.runbook.testkit.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MariaDbServerTest {

  @Test
  void startsWithOptionsAndACopiedDatadirBootsWithTheSameData() {
    Path base = MariaDbExtension.baseDir();
    long pid;
    try (MariaDbServer a = MariaDbServer.builder(base.resolve("a"), "a").option("sync_binlog", "0").start()) {
      pid = a.pid();
      assertEquals("0", a.queryValue("SELECT @@sync_binlog"));
      assertEquals("1", a.queryValue("SELECT @@innodb_flush_log_at_trx_commit"));
      assertEquals("ROW", a.queryValue("SELECT @@binlog_format"));
      assertEquals(Integer.toString(a.serverId()), a.queryValue("SELECT @@server_id"));
      a.sql("CREATE DATABASE t", "CREATE TABLE t.x (id INT PRIMARY KEY)", "INSERT INTO t.x VALUES (1),(2),(3)");
      String gtid = a.queryValue("SELECT @@gtid_binlog_pos");

      Path copy = base.resolve("copy-data");
      a.copyDatadirTo(copy);
      assertEquals("3", a.queryValue("SELECT COUNT(*) FROM t.x"), "the original keeps running after the copy");
      try (MariaDbServer b = MariaDbServer.builder(base.resolve("b"), "b").datadir(copy).start()) {
        assertEquals("3", b.queryValue("SELECT COUNT(*) FROM t.x"));
        assertEquals(gtid, b.queryValue("SELECT @@gtid_binlog_pos"), "the copy recovers its own binlog state");
        b.stop();
        assertFalse(b.isRunning());
      }
      assertFalse(Files.exists(copy), "closing deletes an adopted datadir too");
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "closing kills the server");
    assertFalse(Files.exists(base.resolve("a")));
    MariaDbServer.deleteTree(base);
  }

  @Test
  void pausedServerDoesNotAnswerUntilResumed() throws Exception {
    Path base = MariaDbExtension.baseDir();
    try (MariaDbServer s = MariaDbServer.builder(base.resolve("s"), "s").start()) {
      s.pause();
      var ps = ProcessHandle.of(s.pid()).orElseThrow();
      String state = Files.readString(Path.of("/proc/" + ps.pid() + "/stat")).split(" ")[2];
      assertEquals("T", state, "SIGSTOP leaves the process stopped");
      s.resume();
      assertEquals("1", s.queryValue("SELECT 1"));
      s.kill();
      assertFalse(s.isRunning());
      s.start(); // crash recovery on the same datadir
      assertTrue(s.isRunning());
      assertEquals("1", s.queryValue("SELECT 1"));
    } finally {
      MariaDbServer.deleteTree(base);
    }
  }
}
