package io.runbook.testkit.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

@MariaDbTest(replica = true)
class ReplicationPairTest {

  @Test
  void replicaReceivesThePrimarysTransactionsByGtid(MariaDbServer primary, @Replica MariaDbServer replica, ReplicationPair pair) {
    assertNotEquals(primary.serverId(), replica.serverId());
    primary.sql("CREATE DATABASE IF NOT EXISTS r", "CREATE TABLE r.x (id INT PRIMARY KEY)", "INSERT INTO r.x VALUES (1),(2)");
    pair.awaitCaughtUp(Duration.ofSeconds(20));
    assertEquals("2", replica.queryValue("SELECT COUNT(*) FROM r.x"));
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), replica.queryValue("SELECT @@gtid_slave_pos"));
    var status = ReplicationPair.replicaStatus(replica);
    assertEquals("Yes", status.get("Slave_IO_Running"));
    assertEquals("Yes", status.get("Slave_SQL_Running"));
    assertEquals("Slave_Pos", status.get("Using_Gtid"));
  }
}
