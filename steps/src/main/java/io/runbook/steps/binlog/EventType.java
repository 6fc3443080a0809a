package io.runbook.steps.binlog;

/** Binlog event type codes used by the scanner (MariaDB replication protocol, binlog v4). */
final class EventType {
  static final int QUERY = 2;
  static final int STOP = 3;
  static final int ROTATE = 4;
  static final int FORMAT_DESCRIPTION = 15;
  static final int XID = 16;
  static final int TABLE_MAP = 19;
  static final int WRITE_ROWS_V1 = 23;
  static final int UPDATE_ROWS_V1 = 24;
  static final int DELETE_ROWS_V1 = 25;
  static final int WRITE_ROWS_V2 = 30;
  static final int UPDATE_ROWS_V2 = 31;
  static final int DELETE_ROWS_V2 = 32;
  static final int XA_PREPARE = 38;
  static final int ANNOTATE_ROWS = 160;
  static final int BINLOG_CHECKPOINT = 161;
  static final int GTID = 162;
  static final int GTID_LIST = 163;
  static final int START_ENCRYPTION = 164;
  static final int QUERY_COMPRESSED = 165;
  static final int ROWS_COMPRESSED_LAST = 171;

  private EventType() {}
}
