package io.runbook.steps.binlog;

import io.runbook.engine.spi.Doc;
import java.util.List;
import java.util.Optional;

/** What a scan learned about one binlog file as a whole. */
@Doc("A scanned binlog file")
public record BinlogFileInfo(
    @Doc("Path of the file") String file,
    @Doc("Size in bytes") long size,
    @Doc("Server version that wrote it") String serverVersion,
    @Doc("Whether events carry CRC32 checksums (they were verified)") boolean checksums,
    @Doc("The in-use flag: the server had it open (a copy of a live or crashed server's last file)") boolean inUse,
    @Doc("GTID_LIST at its start: the binlog state (last GTID per domain and server) before its first transaction") List<String> gtidListAtStart,
    @Doc("Offset where the scan stopped: end of the last complete event, or where it stopped early") long scannedTo,
    @Doc("Whether the scan read to the end of the file (false when it stopped early at a cut)") boolean complete,
    @Doc("Offset of a truncated last event, when the file ends in the middle of one") Optional<Long> truncatedAt,
    @Doc("GTID of a transaction cut off by the end of the file, not counted") Optional<String> incompleteGtid,
    @Doc("Next file named by a ROTATE event") Optional<String> rotatesTo,
    @Doc("Transactions seen") long transactions) {}
