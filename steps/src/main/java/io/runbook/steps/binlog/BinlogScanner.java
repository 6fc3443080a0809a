package io.runbook.steps.binlog;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * (GTID, GTID_LIST, QUERY, and ANNOTATE_ROWS/TABLE_MAP at higher detail), so a scan runs near disk speed.
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
  private static final long WINDOW = 1L << 30;
  private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
  private static final Pattern DDL_TABLE = Pattern.compile(
      "^\\s*(?:CREATE|DROP|ALTER|TRUNCATE|RENAME)\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMPORARY\\s+)?TABLE\\s+"
          + "(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(`[^`]+`|[\\w$]+)(?:\\.(`[^`]+`|[\\w$]+))?",
      Pattern.CASE_INSENSITIVE);

  private final Detail detail;
  private final boolean verifyChecksums;
  private final Matcher match;
  private final RequiredLiteral required;
  private final CRC32 crc = new CRC32();
  private final AsciiText ascii = new AsciiText();

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
  }

  /** Scans a whole file. */
  public BinlogFileInfo scan(Path file, Visitor visitor) throws IOException, BinlogException {
    return scan(file, 4, visitor);
  }

  /**
   * Scans {@code file} from {@code from} (an event boundary, e.g. a transaction's start; its format description
   * and GTID_LIST are read first either way) until the end or until the visitor returns false.
   */
  public BinlogFileInfo scan(Path file, long from, Visitor visitor) throws IOException, BinlogException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return new FileScan(file, ch, from, visitor).run();
    }
  }

  /** The state of one file's scan. */
  private final class FileScan {
    private final String name;
    private final FileChannel ch;
    private final long size;
    private final long from;
    private final Visitor visitor;
    private final TransactionCursor tx = new TransactionCursor();
    private MappedByteBuffer buf;
    private long winStart;
    private long winEnd;
    private boolean checksums;
    private boolean inUse;
    private String serverVersion = "";
    private byte[] postHeader = new byte[0];
    private final List<String> gtidList = new ArrayList<>();
    private boolean inTx;
    private long txCount;

    FileScan(Path path, FileChannel ch, long from, Visitor visitor) throws IOException {
      this.name = path.toString();
      this.ch = ch;
      this.size = ch.size();
      this.from = from;
      this.visitor = visitor;
    }

    BinlogFileInfo run() throws IOException, BinlogException {
      if (size < 4) throw notBinlog("it is " + size + " bytes long");
      map(0, HEADER + 4);
      for (int i = 0; i < 4; i++) {
        if (buf.get(i) != MAGIC[i]) throw notBinlog("it does not start with the binlog magic bytes fe 62 69 6e");
      }
      long pos = 4;
      boolean jumped = from <= 4;
      while (true) {
        if (!jumped && (pos >= from || inTx)) {
          // the caller's offset: reached once the file's header events (format description, GTID_LIST) are read
          if (pos < from) inTx = false;
          pos = Math.max(pos, from);
          jumped = true;
        }
        if (pos + HEADER > size) {
          if (pos < size) return truncated(pos);
          return info(pos, Optional.empty(), true, null);
        }
        ensure(pos, HEADER);
        int off = (int) (pos - winStart);
        long eventSize = u32(off + 9);
        int type = buf.get(off + 4) & 0xff;
        if (eventSize < HEADER) throw corrupt(pos, "event length " + eventSize + " is shorter than an event header");
        if (pos + eventSize > size) return truncated(pos);
        long logPos = u32(off + 13);
        if (logPos != 0 && logPos != ((pos + eventSize) & 0xffffffffL)) {
          throw corrupt(pos, "event header says it ends at " + logPos + " but its length puts the end at " + (pos + eventSize));
        }
        ensure(pos, eventSize);
        off = (int) (pos - winStart);
        if (type == EventType.FORMAT_DESCRIPTION) {
          formatDescription(off, (int) eventSize);
        } else if (checksums && verifyChecksums) {
          verify(pos, off, (int) eventSize, type);
        }
        String rotatesTo = event(type, pos, off, (int) eventSize);
        pos += eventSize;
        if (inTx && tx.end == pos) {
          inTx = false;
          txCount++;
          if (!visitor.onTransaction(tx)) return info(pos, Optional.empty(), false, null);
        }
        if (rotatesTo != null) return info(pos, Optional.empty(), true, rotatesTo);
        if (type == EventType.STOP) return info(pos, Optional.empty(), true, null);
      }
    }

    /** Handles one event; returns the next file's name for a ROTATE. */
    private String event(int type, long pos, int off, int len) throws BinlogException {
      int body = off + HEADER;
      int bodyLen = len - HEADER - (checksums ? 4 : 0);
      switch (type) {
        case EventType.GTID -> {
          if (inTx) throw corrupt(pos, "GTID event inside transaction " + tx.gtid() + " which never ended");
          long seq = buf.getLong(body);
          long domain = u32(body + 8);
          int flags = buf.get(body + 12) & 0xff;
          tx.begin(name, domain, u32(off + 5), seq, pos, u32(off), flags);
          inTx = true;
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
            tx.kinds.add("XA PREPARE");
            tx.end = pos + len;
          }
        }
        case EventType.ANNOTATE_ROWS -> {
          if (inTx && match != null && !tx.matched) tx.matched = matches(body, bodyLen);
          if (inTx && detail != Detail.POSITIONS) tx.statements.add(text(body, bodyLen));
        }
        case EventType.TABLE_MAP -> {
          if (inTx && detail == Detail.FULL) tableMap(body);
        }
        case EventType.WRITE_ROWS_V1, EventType.WRITE_ROWS_V2 -> { if (inTx && detail == Detail.FULL) tx.kinds.add("INSERT"); }
        case EventType.UPDATE_ROWS_V1, EventType.UPDATE_ROWS_V2 -> { if (inTx && detail == Detail.FULL) tx.kinds.add("UPDATE"); }
        case EventType.DELETE_ROWS_V1, EventType.DELETE_ROWS_V2 -> { if (inTx && detail == Detail.FULL) tx.kinds.add("DELETE"); }
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
          tx.kinds.add(sql.startsWith("XA COMMIT") ? "XA COMMIT" : "XA ROLLBACK");
          tx.statements.add(sql);
          tx.end = pos + (bodyLen + HEADER + (checksums ? 4 : 0));
        }
        return;
      }
      if (schemaLen > 0 && tx.schema == null) tx.schema = text(schemaAt, schemaLen);
      tx.statements.add(sql);
      if (match != null && !tx.matched) tx.matched = match.reset(sql).find();
      if (detail == Detail.FULL || tx.ddl) {
        tx.kinds.add(kind(sql));
        Matcher m = DDL_TABLE.matcher(sql);
        if (m.find()) {
          String a = unquote(m.group(1));
          String table = m.group(2) == null ? (tx.schema == null ? a : tx.schema + "." + a) : a + "." + unquote(m.group(2));
          tx.tables.add(table);
        }
      }
      if (tx.standalone) tx.end = pos + (bodyLen + HEADER + (checksums ? 4 : 0));
    }

    private void tableMap(int body) {
      int postLen = postHeaderLength(EventType.TABLE_MAP, 8);
      int at = body + postLen;
      int dbLen = buf.get(at) & 0xff;
      String db = text(at + 1, dbLen);
      int tAt = at + 1 + dbLen + 1;
      int tLen = buf.get(tAt) & 0xff;
      String table = db + "." + text(tAt + 1, tLen);
      tx.tables.add(table);
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
      if (checksums && verifyChecksums) verify(off + winStart, off, len, EventType.FORMAT_DESCRIPTION);
    }

    private void verify(long pos, int off, int len, int type) throws BinlogException {
      int expected = buf.getInt(off + len - 4);
      crc.reset();
      int limit = buf.limit();
      if (type == EventType.FORMAT_DESCRIPTION) {
        // the server sets and clears the in-use flag in place: the checksum is computed with it cleared
        int flagByte = buf.get(off + 17) & ~0x01;
        buf.limit(off + 17).position(off);
        crc.update(buf);
        crc.update(flagByte);
        buf.limit(off + len - 4).position(off + 18);
      } else {
        buf.limit(off + len - 4).position(off);
      }
      crc.update(buf);
      buf.limit(limit);
      if ((int) crc.getValue() != expected) {
        String inside = inTx ? " inside transaction " + tx.gtid() : "";
        throw new BinlogException(
            String.format(Locale.ROOT, "%s: CRC32 mismatch in the event at offset %d (type %d%s): stored %08x, computed %08x",
                name, pos, type, inside, expected, (int) crc.getValue()),
            "the file is damaged at that offset: take this file again from the source (snapshot or server), "
                + "or cut before this transaction");
      }
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

    /** Makes [pos, pos+len) addressable in the current mapping, remapping from pos when needed. */
    private void ensure(long pos, long len) throws IOException {
      if (buf != null && pos >= winStart && pos + len <= winEnd) return;
      map(pos, len);
    }

    private void map(long pos, long len) throws IOException {
      long n = Math.min(size - pos, Math.max(len, WINDOW));
      buf = ch.map(FileChannel.MapMode.READ_ONLY, pos, n);
      buf.order(ByteOrder.LITTLE_ENDIAN);
      winStart = pos;
      winEnd = pos + n;
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
      if (required != null && !required.in(buf, at, len)) return false;
      byte[] b = ascii.load(buf, at, len);
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

    byte[] load(MappedByteBuffer buf, int at, int len) {
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
