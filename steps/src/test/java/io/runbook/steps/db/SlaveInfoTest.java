package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepFailure;
import org.junit.jupiter.api.Test;

/** The choice between the two files in the cases a live replica does not show cheaply (texts as mariadb-backup 10.11 writes them). */
class SlaveInfoTest {
  private static final String GTID_SLAVE_INFO = "SET GLOBAL gtid_slave_pos = '0-1-5';\nCHANGE MASTER TO master_use_gtid = slave_pos;\n";

  @Test
  void aBinlogInfoBehindTheSlaveInfoIsTheReplicasOwnStaleBinlog() throws Exception {
    // An older tool that wrote the replica's gtid_binlog_pos (log_slave_updates off): the slave info is the position.
    var p = GtidFromBackup.parse("bin.000001\t322\t0-1-2\n", GTID_SLAVE_INFO, "b");
    assertEquals("0-1-5", p.output().gtid());
    assertEquals("slave_info", p.output().source());
    assertEquals("bin.000001", p.output().binlogFile());
  }

  @Test
  void aReplicaReplicatingByFileAndPositionIsRefused() {
    StepFailure f = assertThrows(StepFailure.class, () -> GtidFromBackup.parse("bin.000001\t322\t0-1-5\n",
        "CHANGE MASTER TO MASTER_LOG_FILE='bin.000001', MASTER_LOG_POS=1111;\n", "b"));
    assertTrue(f.getMessage().contains("has no gtid_slave_pos"), f.getMessage());
    assertTrue(f.hint().contains("MASTER_USE_GTID=slave_pos"), f.hint());
  }

  @Test
  void theSameSequenceFromAnotherServerIsADifferentTransaction() {
    StepFailure f = assertThrows(StepFailure.class, () -> GtidFromBackup.parse("bin.000001\t322\t0-2-5\n", GTID_SLAVE_INFO, "b"));
    assertTrue(f.getMessage().contains("binlog info 0-2-5, slave info 0-1-5"), f.getMessage());
  }

  @Test
  void withoutSlaveInfoTheBinlogInfoIsUsedAsBefore() throws Exception {
    for (String none : new String[] {"", "  \n"}) {
      var p = GtidFromBackup.parse("bin.000001\t322\t0-1-5\n", none, "b");
      assertEquals("0-1-5", p.output().gtid());
      assertEquals("binlog_info", p.output().source());
    }
  }
}
