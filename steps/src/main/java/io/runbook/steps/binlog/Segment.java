package io.runbook.steps.binlog;

import io.runbook.engine.spi.Doc;

/** A contiguous byte range of one binlog file to apply: mariadb-binlog --start-position/--stop-position for that file alone. */
@Doc("A byte range of one binlog file to replay")
public record Segment(
    @Doc("Binlog file") String file,
    @Doc("Offset of the first event to apply (a transaction's GTID event)") long start,
    @Doc("Offset just after the last event to apply (exclusive)") long stop,
    @Doc("Transactions in the range") long transactions,
    @Doc("First GTID in the range") String firstGtid,
    @Doc("Last GTID in the range") String lastGtid) {

  public long bytes() { return stop - start; }
}
