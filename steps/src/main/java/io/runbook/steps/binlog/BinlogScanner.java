package io.runbook.steps.binlog;

import io.runbook.steps.db.Gtid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Reads MariaDB binlog files (v4) without a server: walks the 19-byte event headers, verifies CRC32 checksums
 * when the file has them, and groups events into transactions. Bodies are only decoded where text is needed
 * (GTID, GTID_LIST, QUERY, and ANNOTATE_ROWS/TABLE_MAP at higher detail). A local file is read in place through a
 * read-only mapping (its pages touched ahead on another core) and its checksums are verified a run of events per
 * CRC32 pass ({@link ChecksumRun}), so a scan costs little more than one read of the bytes from memory.
 */
public final class BinlogScanner {
  /** How much each transaction carries. */
  public enum Detail {
    /** GTID, offsets, time, DDL and other non-row SQL text. */
    POSITIONS,
    /** Plus the annotated SQL of row events (needed to match a regex against DML). */
    TEXT,
    /** Plus tables touched and statement kinds. */
    FULL
  }

  /** Receives each complete transaction; returns false to stop the scan right after it. */
  @FunctionalInterface
  public interface Visitor {
    boolean onTransaction(TransactionCursor tx) throws BinlogException;
  }

  private static final int HEADER = 19;
  /** How many bytes of events {@link FileScan#skipBodiless} walks per call at most. */
  private static final int STRETCH = 16 << 10;
  /** The window's size: big reads, small enough to stay in the CPU cache while its events are parsed and checked. */
  private static final int WINDOW = 1 << 20;
  /** How much a scan that jumps ahead reads at a time before the jump (the format description and GTID_LIST). */
  private static final int HEADER_PHASE_READ = 16 << 10;
  /** A jump further ahead than this opens the file again at the target instead of reading through. */
  private static final long READ_THROUGH = 256 << 10;
  private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
  /** The table a DDL statement names; compiled on first use (a cut meets DDL rarely, and a cold JVM pays for regex set-up). */
  private static final class DdlTable {
    static final Pattern PATTERN = Pattern.compile(
        "^\\s*(?:CREATE|DROP|ALTER|TRUNCATE|RENAME)\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMPORARY\\s+)?TABLE\\s+"
            + "(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(`[^`]+`|[\\w$]+)(?:\\.(`[^`]+`|[\\w$]+))?",
        Pattern.CASE_INSENSITIVE);
  }

  private final Detail detail;
  private final boolean verifyChecksums;
  private final Matcher match;
  private final RequiredLiteral required;
  private final CRC32 crc = new CRC32();
  private final ChecksumRun batch = new ChecksumRun();
  private final AsciiText ascii = new AsciiText();
  /** Event types whose bodies this scan never looks at (row events, and their maps and annotations unless asked for). */
  private final boolean[] bodiless = new boolean[256];
  /** Annotations pass through too when a byte search shows they cannot match the regex. */
  private final boolean screenAnnotations;
  /** The buffer files stream through, reused from file to file (a scanner scans one file at a time). */
  private ByteBuffer window = ByteBuffer.allocateDirect(WINDOW).order(ByteOrder.LITTLE_ENDIAN);

  public BinlogScanner(Detail detail) { this(detail, true, null); }

  /**
   * @param verifyChecksums check each event's CRC32 when the file has them (turn off only to measure its cost)
   * @param match when set, each transaction's {@link TransactionCursor#matched()} says whether any of its statements
   *     (DDL, other queries, annotated row SQL) contains a match; tested in place, without building strings
   */
  public BinlogScanner(Detail detail, boolean verifyChecksums, Pattern match) {
    this.detail = detail;
    this.verifyChecksums = verifyChecksums;
    this.match = match == null ? null : match.matcher("");
    this.required = match == null ? null : RequiredLiteral.of(match);
    for (int t : new int[] {EventType.WRITE_ROWS_V1, EventType.UPDATE_ROWS_V1, EventType.DELETE_ROWS_V1,
        EventType.WRITE_ROWS_V2, EventType.UPDATE_ROWS_V2, EventType.DELETE_ROWS_V2, EventType.TABLE_MAP}) {
      bodiless[t] = detail != Detail.FULL;
    }
    bodiless[EventType.ANNOTATE_ROWS] = detail == Detail.POSITIONS && match == null;
    screenAnnotations = detail == Detail.POSITIONS && required != null;
  }

  /** Scans a whole local file. */
  public BinlogFileInfo scan(Path file, Visitor visitor) throws IOException, BinlogException {
    return scan(BinlogSource.local(file), 4, visitor);
  }

  /** Scans a local file from {@code from}; see {@link #scan(BinlogSource, long, Visitor)}. */
  public BinlogFileInfo scan(Path file, long from, Visitor visitor) throws IOException, BinlogException {
    return scan(BinlogSource.local(file), from, visitor);
  }

  /**
   * Scans a file from {@code from} (an event boundary, e.g. a transaction's start; its format description
   * and GTID_LIST are read first either way) until the end or until the visitor returns false.
   */
  public BinlogFileInfo scan(BinlogSource file, long from, Visitor visitor) throws IOException, BinlogException {
    return new FileScan(file, from, visitor).run();
  }

  /**
   * The state of one file's scan. A local file is mapped whole into memory; another streams through one reused
   * buffer (the window) that holds whole events. Checksums are verified a batch of events at a time (see
   * {@link #flushChecksums}).
   */
  private final class FileScan {
    private final BinlogSource source;
    private final String name;
    private final long from;
    private final Visitor visitor;
    private final TransactionCursor tx = new TransactionCursor();
    private long size;
    private ReadableByteChannel in;
    private ByteBuffer buf;
    /** File offset of buf[0]; buf[0, filled) holds the file's bytes from there (buf's limit stays at its capacity). */
    private long base;
    private int filled;
    private long pos;
    /** Offset of the event being handled, -1 between events. */
    private long current = -1;
    private boolean jumped;
    private BinlogFileInfo result;
    private long reopenAt;
    private boolean checksums;
    private boolean inUse;
    private String serverVersion = "";
    private byte[] postHeader = new byte[0];
    private final List<String> gtidList = new ArrayList<>();
    private boolean inTx;
    private long txCount;
    /** Events walked but not yet checksum-verified: buf[batchStart, batchEnd), or none when batchStart < 0. */
    private int batchStart = -1;
    private int batchEnd;
    private Gtid batchTx;

    FileScan(BinlogSource source, long from, Visitor visitor) {
      this.source = source;
      this.name = source.path();
      this.from = from;
      this.visitor = visitor;
    }

    BinlogFileInfo run() throws IOException, BinlogException {
      size = source.size();
      if (size < 4) throw notBinlog("it is " + size + " bytes long");
      jumped = from <= 4;
      batch.clear(); // the run an earlier scan of this scanner left open when it failed is not this file's
      ByteBuffer mapping = source.map(size);
      if (mapping != null) {
        buf = mapping;
        MappedBinlog.Prefault prefault = MappedBinlog.prefault(mapping, from);
        try {
          walk(null, 0); // every byte is addressable: ensure() never reads, a jump just moves pos
          return result;
        } catch (InternalError e) {
          // the JVM's answer to touching a mapped page past the file's end
          throw new IOException(name + " shrank while it was scanned (it was " + size + " bytes when the scan started)", e);
        } finally {
          prefault.finish();
          buf = null;
          MappedBinlog.release(mapping);
        }
      }
      buf = window;
      long at = 0;
      try {
        while (result == null) {
          long start = at;
          reopenAt = -1;
          source.read(start, ch -> walk(ch, start));
          if (result == null && reopenAt < 0) throw new IllegalStateException("scan of " + name + " stopped at " + pos);
          at = reopenAt;
        }
        return result;
      } finally {
        window = buf; // keep a grown window for the next file
      }
    }

    /** Walks events from {@code start} (0 or an event boundary) until the scan ends or wants to jump far ahead. */
    private void walk(ReadableByteChannel ch, long start) throws IOException, BinlogException {
      in = ch;
      base = start;
      filled = ch == null ? (int) size : 0;
      try {
        if (start == 0) {
          ensure(0, 4);
          for (int i = 0; i < 4; i++) {
            if (buf.get(i) != MAGIC[i]) throw notBinlog("it does not start with the binlog magic bytes fe 62 69 6e");
          }
          pos = 4;
        } else {
          pos = start;
        }
        walkEvents();
        flushChecksums();
      } catch (BinlogException | RuntimeException e) {
        throw checksumFirst(e);
      } finally {
        current = -1;
        in = null;
      }
    }

    private void walkEvents() throws IOException, BinlogException {
      while (true) {
        if (!jumped && (pos >= from || inTx)) {
          // the caller's offset: reached once the file's header events (format description, GTID_LIST) are read
          if (pos < from) inTx = false;
          long target = Math.max(pos, from);
          jumped = true;
          flushChecksums(); // a batch covers consecutive events only
          pos = target;
          if (target > base + filled + READ_THROUGH) {
            // far ahead: open the file again there rather than pull (over a network: transfer) the bytes between
            reopenAt = target;
            return;
          }
        }
        if (jumped && pos > 4) {
          // after the format description (whether checksums are on is known): stretch after stretch on the fast path
          while (skipBodiless() != 0) {}
          if (result != null) return;
        }
        if (pos + HEADER > size) {
          result = pos < size ? truncated(pos) : info(pos, Optional.empty(), true, null);
          return;
        }
        ensure(pos, HEADER);
        current = pos;
        int off = (int) (pos - base);
        long eventSize = u32(off + 9);
        int type = buf.get(off + 4) & 0xff;
        if (eventSize < HEADER) throw corrupt(pos, "event length " + eventSize + " is shorter than an event header");
        if (pos + eventSize > size) {
          result = truncated(pos);
          return;
        }
        long logPos = u32(off + 13);
        if (logPos != 0 && logPos != ((pos + eventSize) & 0xffffffffL)) {
          throw corrupt(pos, "event header says it ends at " + logPos + " but its length puts the end at " + (pos + eventSize));
        }
        int len = (int) eventSize;
        ensure(pos, len);
        off = (int) (pos - base);
        if (type == EventType.FORMAT_DESCRIPTION) formatDescription(off, len);
        String rotatesTo = event(type, pos, off, len);
        if (checksums && verifyChecksums && type != EventType.FORMAT_DESCRIPTION) addToChecksumBatch(off, len, type);
        pos += eventSize;
        current = -1;
        if (inTx && tx.end == pos) {
          inTx = false;
          txCount++;
          if (!visitor.onTransaction(tx)) {
            result = info(pos, Optional.empty(), false, null);
            return;
          }
        }
        if (rotatesTo != null || type == EventType.STOP) {
          result = info(pos, Optional.empty(), true, rotatesTo);
          return;
        }
      }
    }

    /**
     * Walks the run of events from {@code pos} that are whole in the window and either carry nothing this scan reads
     * (most of a busy binlog: row events, their table maps, annotations that cannot match) or only frame a transaction
     * (its GTID event, BEGIN, its XID, handled as {@link #event} does and handed to the visitor at the XID): their
     * headers are checked and their checksums batched. Anything else, or anything odd, is left to the full path in
     * {@link #walkEvents}, which reports it. Kept small and free of rare branches: it is the loop a scan spends nearly
     * all its time in, so a cold JVM compiles it early in the first file and keeps it compiled from file to file.
     *
     * @return 1 when it walked a whole stretch and more events follow in the window; 0 when the next event needs the
     *     full path, the window ends, or the visitor stopped the scan ({@code result} set)
     */
    private int skipBodiless() throws BinlogException {
      boolean batch = checksums && verifyChecksums;
      int off = (int) (pos - base);
      // at most a stretch of events per call (a method called often is compiled sooner than a loop run long), and
      // no branch first taken at a file's end (it would discard the compiled code): the stretch ends at the window's
      // end or STRETCH bytes on, whichever is first, computed without a branch
      long over = (long) off + STRETCH - filled;
      int stretchEnd = (int) ((long) off + STRETCH - (over & ~(over >> 63)));
      while (off + HEADER <= stretchEnd) {
        int type = buf.get(off + 4) & 0xff;
        long len = u32(off + 9);
        long end = pos + len;
        if (len < HEADER + 4 || off + len > filled || end > size || u32(off + 13) != (end & 0xffffffffL)) return 0;
        if (!bodiless[type]) {
          if (type == EventType.ANNOTATE_ROWS && screenAnnotations) {
            // an annotation that might match goes the full way; one without the regex's required literal cannot
            if (inTx && !tx.matched && required.in(buf, off + HEADER, (int) len - HEADER - (checksums ? 4 : 0))) return 0;
          } else if (type == EventType.GTID && !inTx) {
            beginTransaction(off, pos);
          } else if (type == EventType.XID && inTx) {
            tx.end = end;
          } else if (type != EventType.QUERY || !inTx || !isBegin(off, (int) len)) {
            return 0;
          }
        }
        if (batch) addToChecksumBatch(off, (int) len, type);
        off += (int) len;
        pos = end;
        if (type == EventType.XID) {
          inTx = false;
          txCount++;
          if (!visitor.onTransaction(tx)) {
            result = info(pos, Optional.empty(), false, null);
            return 0;
          }
        }
      }
      // 1 when the stretch ended before the window's end (call again), 0 at its end (the full path takes over there)
      return (int) (((long) stretchEnd - filled) >>> 63);
    }

    /** Starts the transaction of the GTID event at {@code off}: sequence, domain, flags; server id and time from the header. */
    private void beginTransaction(int off, long pos) {
      int body = off + HEADER;
      tx.begin(name, u32(body + 8), u32(off + 5), buf.getLong(body), pos, u32(off), buf.get(body + 12) & 0xff);
      inTx = true;
    }

    /** Whether the QUERY event at {@code off} is a transaction's BEGIN (its text ends exactly where the event does). */
    private boolean isBegin(int off, int len) {
      int body = off + HEADER;
      int textAt = body + postHeaderLength(EventType.QUERY, 13) + u16(body + 11) + (buf.get(body + 8) & 0xff) + 1;
      return textAt + 5 == off + len - (checksums ? 4 : 0) && isWord(textAt, 5, "BEGIN");
    }

    /** Handles one event; returns the next file's name for a ROTATE. */
    private String event(int type, long pos, int off, int len) throws BinlogException {
      int body = off + HEADER;
      int bodyLen = len - HEADER - (checksums ? 4 : 0);
      switch (type) {
        case EventType.GTID -> {
          if (inTx) throw corrupt(pos, "GTID event inside transaction " + tx.gtid() + " which never ended");
          beginTransaction(off, pos);
        }
        case EventType.QUERY -> {
          if (inTx) query(pos, body, bodyLen);
        }
        case EventType.XID -> {
          if (inTx) tx.end = pos + len;
        }
        case EventType.XA_PREPARE -> {
          // the first half of an XA transaction ends here; its XA COMMIT/ROLLBACK comes later as its own group
          if (inTx) {
            tx.addKinds().add("XA PREPARE");
            tx.end = pos + len;
          }
        }
        case EventType.ANNOTATE_ROWS -> {
          if (inTx && match != null && !tx.matched) tx.matched = matches(body, bodyLen);
          if (inTx && detail != Detail.POSITIONS) tx.addStatements().add(text(body, bodyLen));
        }
        case EventType.TABLE_MAP -> {
          if (inTx && detail == Detail.FULL) tableMap(body);
        }
        case EventType.WRITE_ROWS_V1, EventType.WRITE_ROWS_V2 -> { if (inTx && detail == Detail.FULL) tx.addKinds().add("INSERT"); }
        case EventType.UPDATE_ROWS_V1, EventType.UPDATE_ROWS_V2 -> { if (inTx && detail == Detail.FULL) tx.addKinds().add("UPDATE"); }
        case EventType.DELETE_ROWS_V1, EventType.DELETE_ROWS_V2 -> { if (inTx && detail == Detail.FULL) tx.addKinds().add("DELETE"); }
        case EventType.GTID_LIST -> gtidList(body);
        case EventType.ROTATE -> {
          return new String(bytes(body + 8, bodyLen - 8), StandardCharsets.UTF_8);
        }
        case EventType.START_ENCRYPTION -> throw new BinlogException(
            name + " is encrypted (START_ENCRYPTION event at offset " + pos + "): its events cannot be read without the server's key",
            "decrypt it with the server that wrote it: read it through `mariadb-binlog --read-from-remote-server` "
                + "against a server booted on that data with the same encryption keys, or replay through replication from such a donor");
        default -> {
          if (type >= EventType.QUERY_COMPRESSED && type <= EventType.ROWS_COMPRESSED_LAST) {
            throw new BinlogException(
                name + " holds a compressed event (type " + type + " at offset " + pos + ", written with log_bin_compress=ON)",
                "decode it with `mariadb-binlog` (it decompresses), or replay through replication from a donor server; "
                    + "turn log_bin_compress off for binlogs this scanner should read");
          }
        }
      }
      return null;
    }

    private void query(long pos, int body, int bodyLen) {
      int postLen = postHeaderLength(EventType.QUERY, 13);
      int schemaLen = buf.get(body + 8) & 0xff;
      int statusLen = u16(body + 11);
      int schemaAt = body + postLen + statusLen;
      int textAt = schemaAt + schemaLen + 1;
      int textLen = body + bodyLen - textAt;
      if (isWord(textAt, textLen, "COMMIT") || isWord(textAt, textLen, "ROLLBACK")) {
        tx.end = pos + (bodyLen + HEADER + (checksums ? 4 : 0));
        return;
      }
      if (isWord(textAt, textLen, "BEGIN")) return;
      String sql = text(textAt, textLen);
      if (sql.startsWith("XA ")) {
        // XA END precedes the XA_PREPARE event; XA COMMIT/ROLLBACK of a prepared transaction is a group of its own
        if (sql.startsWith("XA COMMIT") || sql.startsWith("XA ROLLBACK")) {
          tx.addKinds().add(sql.startsWith("XA COMMIT") ? "XA COMMIT" : "XA ROLLBACK");
          tx.addStatements().add(sql);
          tx.end = pos + (bodyLen + HEADER + (checksums ? 4 : 0));
        }
        return;
      }
      if (schemaLen > 0 && tx.schema == null) tx.schema = text(schemaAt, schemaLen);
      tx.addStatements().add(sql);
      if (match != null && !tx.matched) tx.matched = match.reset(sql).find();
      if (detail == Detail.FULL || tx.ddl()) {
        tx.addKinds().add(kind(sql));
        Matcher m = DdlTable.PATTERN.matcher(sql);
        if (m.find()) {
          String a = unquote(m.group(1));
          String table = m.group(2) == null ? (tx.schema == null ? a : tx.schema + "." + a) : a + "." + unquote(m.group(2));
          tx.addTables().add(table);
        }
      }
      if (tx.standalone()) tx.end = pos + (bodyLen + HEADER + (checksums ? 4 : 0));
    }

    private void tableMap(int body) {
      int postLen = postHeaderLength(EventType.TABLE_MAP, 8);
      int at = body + postLen;
      int dbLen = buf.get(at) & 0xff;
      String db = text(at + 1, dbLen);
      int tAt = at + 1 + dbLen + 1;
      int tLen = buf.get(tAt) & 0xff;
      String table = db + "." + text(tAt + 1, tLen);
      tx.addTables().add(table);
      if (tx.schema == null) tx.schema = db;
    }

    private void gtidList(int body) {
      long count = u32(body) & 0x0fffffffL;
      gtidList.clear();
      for (int i = 0; i < count; i++) {
        int at = body + 4 + i * 16;
        gtidList.add(new Gtid(u32(at), u32(at + 4), buf.getLong(at + 8)).toString());
      }
    }

    private void formatDescription(int off, int len) throws BinlogException {
      int body = off + HEADER;
      serverVersion = text(body + 2, 50).replace("\0", "");
      inUse = (u16(off + 17) & 0x01) != 0;
      // the format description always ends with the checksum algorithm byte and a 4-byte checksum
      int alg = buf.get(off + len - 5) & 0xff;
      checksums = alg == 1;
      int n = len - HEADER - 57 - 5;
      postHeader = n > 0 ? bytes(body + 57, n) : new byte[0];
      if (checksums && verifyChecksums) verifyOne(base + off, off, len, EventType.FORMAT_DESCRIPTION, null);
    }

    /**
     * Adds an event to the batch of consecutive events whose checksums are verified together ({@link ChecksumRun});
     * verifies the batch first when the event does not fit, and an event longer than any batch on its own.
     */
    private void addToChecksumBatch(int off, int len, int type) throws BinlogException {
      // one test, true at every batch's start too (no batch fits nothing): a branch first taken in the second
      // file would make the JIT throw away the compiled walk there
      if (!batch.fits(off + len)) {
        startBatch(off, len, type);
        return;
      }
      batch.add(off + len);
      batchEnd = off + len;
    }

    private void startBatch(int off, int len, int type) throws BinlogException {
      flushChecksums();
      if (len > ChecksumRun.MAX) {
        verifyOne(base + off, off, len, type, inTx ? tx.gtid() : null);
        return;
      }
      batchStart = off;
      batchTx = inTx ? tx.gtid() : null;
      batch.reset(off);
      batch.add(off + len);
      batchEnd = off + len;
    }

    /** Verifies the batch of pending events; on a mismatch, finds the event and throws naming its offset. */
    private void flushChecksums() throws BinlogException {
      if (batchStart < 0) return;
      int from = batchStart;
      int to = batchEnd;
      batchStart = -1;
      boolean right = batch.holds(buf, to, crc);
      batch.clear();
      if (right) return;
      BinlogException damage = batch.firstDamage(buf, base, from, to, batchTx, name, crc);
      throw damage != null ? damage : new BinlogException(String.format(Locale.ROOT,
          "%s: CRC32 mismatch in the events between offsets %d and %d", name, base + from, base + to),
          "the file is damaged there: take this file again from the source (snapshot or server)");
    }

    /**
     * What to report when the walk failed: a checksum mismatch in what was walked or in the event at hand comes
     * first (a damaged byte explains odd lengths and text); else the failure itself.
     */
    private BinlogException checksumFirst(Exception failure) throws BinlogException {
      if (checksums && verifyChecksums) {
        flushChecksums();
        int off = (int) (current - base);
        if (current >= base && off + HEADER <= filled) {
          long len = u32(off + 9);
          int type = buf.get(off + 4) & 0xff;
          if (len >= HEADER + 4 && off + len <= filled && type != EventType.FORMAT_DESCRIPTION) {
            verifyOne(current, off, (int) len, type, inTx ? tx.gtid() : null);
          }
        }
      }
      if (failure instanceof BinlogException e) return e;
      if (failure instanceof RuntimeException e && !(e instanceof IndexOutOfBoundsException)) throw e;
      return corrupt(pos, "the event does not parse (" + failure + ")");
    }

    private void verifyOne(long pos, int off, int len, int type, Gtid group) throws BinlogException {
      batch.verifyEvent(buf, off, pos, len, type, group, name, crc);
    }

    private int postHeaderLength(int type, int fallback) {
      return type - 1 < postHeader.length ? postHeader[type - 1] & 0xff : fallback;
    }

    /**
     * The file ends inside the event at {@code pos}. Expected of a copy of a file in use (a live or crashed server's
     * newest binlog); a file its server closed cannot end like that, so there it means damage or a cut copy.
     */
    private BinlogFileInfo truncated(long pos) throws BinlogException {
      if (!inUse) {
        throw corrupt(pos, "the event there runs past the end of the file (" + size + " bytes), yet the file was closed by its "
            + "server: its length field is damaged or the copy was cut short");
      }
      return info(pos, Optional.of(pos), true, null);
    }

    private BinlogFileInfo info(long scannedTo, Optional<Long> truncatedAt, boolean complete, String rotatesTo) {
      Optional<String> incomplete = inTx && complete ? Optional.of(tx.gtid().toString()) : Optional.empty();
      return new BinlogFileInfo(name, size, serverVersion, checksums, inUse, List.copyOf(gtidList), scannedTo, complete,
          truncatedAt, incomplete, Optional.ofNullable(rotatesTo), txCount);
    }

    /**
     * Makes the file's bytes [at, at+len) addressable in the window: keeps what is there from {@code at} on, moves
     * it to the front and reads more (as much as one read gives, at least up to at+len; never past the size the scan
     * started with). Checksums of the events in the window are verified before their bytes move.
     */
    private void ensure(long at, long len) throws IOException, BinlogException {
      if (at >= base && at + len <= base + filled) return;
      flushChecksums();
      if (at >= base + filled) {
        skip(at - (base + filled));
        filled = 0;
      } else {
        int keep = (int) (at - base);
        buf.limit(filled).position(keep);
        buf.compact();
        filled -= keep;
      }
      base = at;
      if (len > buf.capacity()) {
        ByteBuffer bigger = ByteBuffer.allocateDirect((int) Math.max(len, Math.min(Integer.MAX_VALUE - 8, 2L * buf.capacity())));
        bigger.order(ByteOrder.LITTLE_ENDIAN);
        bigger.put(buf.limit(filled).position(0));
        buf = bigger;
      }
      // before a jump only the file's first events are needed: read little, the rest comes from the jump's target
      long want = jumped ? buf.capacity() : Math.max(len, HEADER_PHASE_READ);
      buf.limit((int) Math.min(Math.min(buf.capacity(), want), size - base)).position(filled);
      while (buf.position() < len) {
        if (in.read(buf) < 0) {
          throw new IOException(name + " ended at offset " + (base + buf.position()) + " while reading it, but it was "
              + size + " bytes when the scan started (was it truncated meanwhile?)");
        }
      }
      filled = buf.position();
      buf.limit(buf.capacity());
    }

    /** Reads past {@code n} bytes of the stream (a short jump, cheaper than opening the file again). */
    private void skip(long n) throws IOException {
      while (n > 0) {
        buf.clear().limit((int) Math.min(buf.capacity(), n));
        int got = in.read(buf);
        if (got < 0) throw new IOException(name + " ended while skipping to offset " + (base + filled + n));
        n -= got;
      }
      buf.clear();
    }

    private long u32(int at) { return buf.getInt(at) & 0xffffffffL; }

    private int u16(int at) { return buf.getShort(at) & 0xffff; }

    private byte[] bytes(int at, int len) {
      byte[] b = new byte[Math.max(0, len)];
      buf.get(at, b);
      return b;
    }

    private String text(int at, int len) { return new String(bytes(at, len), StandardCharsets.UTF_8); }

    /** Whether the text at [at, at+len) contains a match; ASCII text is matched in place, other text decoded as UTF-8. */
    private boolean matches(int at, int len) {
      byte[] b = ascii.load(buf, at, len);
      if (required != null && !required.in(b, len)) return false;
      for (int i = 0; i < len; i++) {
        if (b[i] < 0) return match.reset(new String(b, 0, len, StandardCharsets.UTF_8)).find();
      }
      return match.reset(ascii).find();
    }

    private boolean isWord(int at, int len, String word) {
      if (len != word.length()) return false;
      for (int i = 0; i < len; i++) {
        if (buf.get(at + i) != word.charAt(i)) return false;
      }
      return true;
    }

    private BinlogException notBinlog(String why) {
      return new BinlogException(name + " is not a MariaDB binlog file: " + why,
          "pass binlog files (bin.000001, ...), not the index file or relay logs of another format");
    }

    private BinlogException corrupt(long pos, String why) {
      return new BinlogException(name + " is damaged at offset " + pos + ": " + why,
          "take this file again from the source (snapshot or server), or cut before this offset");
    }
  }

  /** Bytes of ASCII text seen as characters without decoding (one reused buffer). */
  private static final class AsciiText implements CharSequence {
    private byte[] bytes = new byte[4096];
    private int length;

    byte[] load(ByteBuffer buf, int at, int len) {
      if (bytes.length < len) bytes = new byte[Math.max(len, bytes.length * 2)];
      buf.get(at, bytes, 0, len);
      length = len;
      return bytes;
    }

    @Override public int length() { return length; }
    @Override public char charAt(int i) { return (char) bytes[i]; }
    @Override public CharSequence subSequence(int start, int end) { return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1); }
    @Override public String toString() { return new String(bytes, 0, length, StandardCharsets.ISO_8859_1); }
  }

  /** The leading keywords of a statement: "DROP TABLE", "INSERT", "CREATE INDEX". */
  static String kind(String sql) {
    String s = sql.stripLeading();
    if (s.startsWith("/*")) {
      int e = s.indexOf("*/");
      if (e > 0) s = s.substring(e + 2).stripLeading();
    }
    String[] words = s.split("\\s+", 4);
    String first = words[0].toUpperCase(Locale.ROOT);
    if (words.length > 1 && (first.equals("CREATE") || first.equals("DROP") || first.equals("ALTER")
        || first.equals("RENAME") || first.equals("TRUNCATE"))) {
      String second = words[1].toUpperCase(Locale.ROOT);
      if (second.equals("OR") && words.length > 3) return first + " " + words[3].toUpperCase(Locale.ROOT).split("\\s")[0];
      return first + " " + second;
    }
    return first;
  }

  private static String unquote(String s) {
    return s.startsWith("`") ? s.substring(1, s.length() - 1) : s;
  }
}
