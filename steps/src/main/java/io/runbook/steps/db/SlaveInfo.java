package io.runbook.steps.db;

import io.runbook.engine.spi.StepFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The primary's GTID position a backup taken on a replica is consistent with. {@code mariadb-backup --slave-info}
 * records the replica's {@code gtid_slave_pos} (what it applied from its primary) in mariadb_backup_slave_info
 * (xtrabackup_slave_info up to 10.11) as {@code SET GLOBAL gtid_slave_pos = '...';}. The binlog info file beside it
 * describes the replica itself: its own binlog file and position, and {@code gtid_current_pos}, which also counts
 * transactions the replica wrote itself. The two agree on a replica without local writes; where they do not, this
 * says whether that matters.
 */
final class SlaveInfo {
  private static final Pattern SLAVE_POS = Pattern.compile("(?i)SET\\s+GLOBAL\\s+gtid_slave_pos\\s*=\\s*'([^']*)'");

  /** The GTID to restore from, and a sentence on how it was chosen (for the log). */
  record Choice(String gtid, String why) {}

  private SlaveInfo() {}

  /**
   * Chooses the backup's GTID from the slave info text and the binlog info GTID. {@code where} names the backup in
   * messages. Refuses when the replica binlogged transactions of its own in a domain it replicates (the copy holds
   * data the primary's history does not) and when the slave info has no GTID (replication by file and position).
   */
  static Choice choose(String slaveInfo, String binlogGtid, String where) throws StepFailure {
    Matcher m = SLAVE_POS.matcher(slaveInfo);
    if (!m.find()) {
      throw StepFailure.fatal("the slave info of " + where + " has no gtid_slave_pos: '" + firstLine(slaveInfo) + "'",
          "the replica replicated by binlog file and position, so the backup does not record the primary's GTID position;"
              + " switch it to GTID replication (CHANGE MASTER TO MASTER_USE_GTID=slave_pos) and take the backup again,"
              + " or take it on the primary");
    }
    String slaveText = m.group(1).replaceAll("\\s", "");
    GtidList applied;
    GtidList own;
    try {
      applied = GtidList.parse(slaveText);
      own = GtidList.parse(binlogGtid);
    } catch (IllegalArgumentException e) {
      throw StepFailure.fatal("backup info in " + where + ": " + e.getMessage());
    }
    List<String> conflicts = new ArrayList<>();
    Map<Long, Gtid> merged = new LinkedHashMap<>(applied.byDomain());
    for (Gtid mine : own.byDomain().values()) {
      Gtid fromPrimary = applied.byDomain().get(mine.domain());
      if (fromPrimary == null) {
        merged.put(mine.domain(), mine); // local writes in a domain of their own: in the copy, no clash with the primary
      } else if (Long.compareUnsigned(mine.seq(), fromPrimary.seq()) > 0
          || mine.seq() == fromPrimary.seq() && mine.serverId() != fromPrimary.serverId()) {
        conflicts.add("domain " + mine.domain() + ": binlog info " + mine + ", slave info " + fromPrimary);
      }
    }
    if (!conflicts.isEmpty()) {
      throw StepFailure.fatal("the backup " + where + " was taken on a server that wrote transactions of its own in a"
          + " domain it replicates (" + String.join("; ", conflicts) + "): the copy holds data the primary's history does"
          + " not have, under GTIDs the primary uses for other transactions, so neither position is right",
          "take the backup on the primary, or on a replica without local writes (read_only=ON; local writes belong in a"
              + " gtid_domain_id of their own); a primary with a leftover replication configuration needs RESET SLAVE ALL");
    }
    boolean extra = merged.size() > applied.byDomain().size();
    String gtid = extra ? new GtidList(merged).toString() : slaveText;
    String why = "GTID " + gtid + " from the slave info (the replica's gtid_slave_pos: what it applied from its primary)"
        + (extra ? " plus the domains only the binlog info has (" + binlogGtid.strip() + ": the replica's own writes)" : "")
        + "; the binlog file and position are the replica's own binlog";
    return new Choice(gtid, why);
  }

  private static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
