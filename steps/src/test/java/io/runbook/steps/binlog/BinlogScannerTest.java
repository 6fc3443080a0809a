package io.runbook.steps.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.steps.db.Gtid;
import io.runbook.testkit.mariadb.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner on files written by real servers: what a transaction carries, and the formats it refuses. */
class BinlogScannerTest {

  private static Path dir(String name) {
    return Path.of("target", "binlog-it", name + "-" + UUID.randomUUID().toString().substring(0, 6)).toAbsolutePath();
  }

  private static List<BinlogTransaction> scanAll(Path file) throws Exception {
    List<BinlogTransaction> out = new ArrayList<>();
    new BinlogScanner(BinlogScanner.Detail.FULL).scan(file, tx -> out.add(tx.toTransaction()));
    return out;
  }

  private static List<String> positions(BinlogScanner scanner, Path file) throws Exception {
    List<String> out = new ArrayList<>();
    scanner.scan(file, tx -> out.add(tx.gtid() + "@" + tx.start() + "-" + tx.end()));
    return out;
  }

  @Test
  void transactionsCarryGtidTablesKindsAndText() throws Exception {
    try (MariaDbServer s = MariaDbServer.builder(dir("plain"), "plain").option("binlog_annotate_row_events", "ON").start()) {
      s.sql("SET timestamp = 1800000000", "CREATE DATABASE shop", "CREATE TABLE shop.items (id INT PRIMARY KEY, name TEXT)",
          "CREATE TABLE shop.log (m TEXT) ENGINE=MyISAM",
          "BEGIN", "INSERT INTO shop.items VALUES (1, 'a'), (2, 'b')", "UPDATE shop.items SET name = 'c' WHERE id = 1",
          "DELETE FROM shop.items WHERE id = 2", "COMMIT", "INSERT INTO shop.log VALUES ('non-transactional')");
      s.stop();
      List<BinlogTransaction> txs = scanAll(s.datadir().resolve("bin.000001"));
      assertEquals(5, txs.size(), txs.toString());
      BinlogTransaction create = txs.get(1);
      assertTrue(create.ddl());
      assertEquals(List.of("CREATE TABLE"), create.kinds());
      assertEquals(List.of("shop.items"), create.tables());
      BinlogTransaction dml = txs.get(3);
      assertFalse(dml.ddl());
      assertEquals("0-" + s.serverId() + "-4", dml.gtid());
      assertEquals(List.of("shop.items"), dml.tables());
      assertEquals(List.of("INSERT", "UPDATE", "DELETE"), dml.kinds());
      assertEquals(3, dml.statements().size(), "the annotated SQL of each row event");
      assertEquals("2027-01-15T08:00:00Z", dml.time());
      assertEquals(txs.get(2).end(), dml.start(), "transactions follow each other without a gap");
      BinlogTransaction myisam = txs.get(4);
      assertEquals(List.of("shop.log"), myisam.tables(), "a MyISAM change ends with a COMMIT query, not an XID");
      BinlogFileInfo info = new BinlogScanner(BinlogScanner.Detail.POSITIONS).scan(s.datadir().resolve("bin.000001"), tx -> true);
      assertEquals(txs.stream().map(t -> t.gtid() + "@" + t.start() + "-" + t.end()).toList(),
          positions(new BinlogScanner(BinlogScanner.Detail.POSITIONS), s.datadir().resolve("bin.000001")),
          "a POSITIONS scan walks row events, maps and annotations without reading them: same transactions as a FULL scan");
      // annotations screened by the regex's required literal: only the one whose SQL has it is read, and it matches
      List<Boolean> matched = new ArrayList<>();
      new BinlogScanner(BinlogScanner.Detail.POSITIONS, true, java.util.regex.Pattern.compile("update\\s+shop", java.util.regex.Pattern.CASE_INSENSITIVE))
          .scan(s.datadir().resolve("bin.000001"), tx -> matched.add(tx.matched()));
      assertEquals(List.of(false, false, false, true, false), matched);
      assertTrue(info.checksums());
      assertFalse(info.inUse(), "a cleanly stopped server clears the in-use flag");
      assertEquals(5, info.transactions());
    }
  }

  @Test
  void xaTransactionsAreGroupedAtPrepareAndAtCommit() throws Exception {
    try (MariaDbServer s = MariaDbServer.builder(dir("xa"), "xa").start()) {
      s.sql("CREATE DATABASE d", "CREATE TABLE d.t (a INT PRIMARY KEY)",
          "XA START 'x1'", "INSERT INTO d.t VALUES (1)", "XA END 'x1'", "XA PREPARE 'x1'", "XA COMMIT 'x1'",
          "XA START 'x2'", "INSERT INTO d.t VALUES (2)", "XA END 'x2'", "XA PREPARE 'x2'", "XA ROLLBACK 'x2'",
          "XA START 'x3'", "INSERT INTO d.t VALUES (3)", "XA END 'x3'", "XA COMMIT 'x3' ONE PHASE",
          "INSERT INTO d.t VALUES (4)");
      List<BinlogTransaction> txs = scanAll(s.datadir().resolve("bin.000001"));
      assertEquals(8, txs.size(), txs.toString());
      assertEquals(List.of("INSERT", "XA PREPARE"), txs.get(2).kinds());
      assertEquals(List.of("XA COMMIT"), txs.get(3).kinds());
      assertEquals(List.of("XA ROLLBACK"), txs.get(5).kinds());
      assertEquals(List.of("INSERT"), txs.get(6).kinds(), "one-phase XA commits like any transaction");
      for (int i = 1; i < txs.size(); i++) assertEquals(txs.get(i - 1).end(), txs.get(i).start());
    }
  }

  @Test
  void binlogsWithoutChecksumsAndOfARunningServer() throws Exception {
    try (MariaDbServer s = MariaDbServer.builder(dir("nocrc"), "nocrc").option("binlog_checksum", "NONE").start()) {
      s.sql("CREATE DATABASE d", "CREATE TABLE d.t (a INT PRIMARY KEY, b TEXT)", "INSERT INTO d.t VALUES (1, 'x')",
          "DROP TABLE d.t");
      List<BinlogTransaction> txs = new ArrayList<>();
      BinlogFileInfo info = new BinlogScanner(BinlogScanner.Detail.FULL).scan(s.datadir().resolve("bin.000001"),
          tx -> txs.add(tx.toTransaction()));
      assertFalse(info.checksums());
      assertTrue(info.inUse(), "the server still has it open");
      assertEquals(List.of("CREATE DATABASE", "CREATE TABLE", "INSERT", "DROP TABLE"),
          txs.stream().map(t -> t.kinds().get(0)).toList());
      assertEquals("DROP TABLE `d`.`t` /* generated by server */", txs.get(3).statements().get(0));
    }
  }

  /**
   * Checksums are verified a batch of events at a time, and a streamed file passes through a window; a damaged byte
   * must still be named by its event's offset, wherever it sits: first or last event of a window, an event across a
   * window boundary, one bigger than a window or a batch; in a mapped file and in a streamed one.
   */
  @Test
  void aDamagedByteIsNamedByItsEventsOffsetWhereverItIs(@TempDir Path tmp) throws Exception {
    try (MariaDbServer s = MariaDbServer.builder(dir("crc"), "crc").start()) {
      s.sql("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v LONGTEXT)");
      for (int i = 0; i < 30; i++) s.sql("INSERT INTO d.t SELECT seq + " + (i * 100) + ", REPEAT('x', 1000) FROM d.seq_1_to_100");
      s.sql("INSERT INTO d.t VALUES (999999, REPEAT('y', 2500000))", "DELETE FROM d.t WHERE id < 50");
      s.stop();
      Path file = s.datadir().resolve("bin.000001");
      byte[] bytes = Files.readAllBytes(file);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      List<long[]> events = new ArrayList<>(); // offset, length
      for (int at = 4; at < bytes.length; at += b.getInt(at + 9)) events.add(new long[] {at, b.getInt(at + 9)});
      List<long[]> chosen = new ArrayList<>(List.of(events.get(0), events.get(1), events.get(2), events.get(events.size() - 1)));
      for (long[] e : events) {
        boolean acrossFirstWindow = e[0] < (1 << 20) && e[0] + e[1] > (1 << 20);
        if (acrossFirstWindow || e[1] > (1 << 20)) chosen.add(e);
      }
      chosen.add(events.get(events.size() / 2));
      assertTrue(chosen.size() >= 7, "the file has an event across the first window's end and one bigger than a window");
      assertTrue(bytes.length > 3 * (1 << 20), "several windows: " + bytes.length);
      for (long[] e : chosen) {
        // first byte, one in the middle (the server id for small events: not the length field) and the last byte
        for (long at : new long[] {e[0], e[1] > 40 ? e[0] + e[1] / 2 : e[0] + 5, e[0] + e[1] - 1}) {
          if (at == 4 + 17) continue; // the format description's in-use flag is not covered by its checksum
          Path copy = tmp.resolve("bin.000001");
          Files.write(copy, bytes);
          FindCutTest.flipByte(copy, at);
          for (BinlogSource source : List.of(BinlogSource.local(copy), FindCutTest.streamed(BinlogSource.local(copy)))) {
            BinlogException x = assertThrows(BinlogException.class,
                () -> new BinlogScanner(BinlogScanner.Detail.POSITIONS).scan(source, 4, tx -> true), "byte " + at);
            assertTrue(x.getMessage().contains("CRC32 mismatch in the event at offset " + e[0] + " "),
                "byte " + at + " of the event at " + e[0] + " (" + e[1] + " bytes), " + source + ": " + x.getMessage());
          }
        }
      }
      assertEquals(34, new BinlogScanner(BinlogScanner.Detail.POSITIONS).scan(file, tx -> true).transactions(), "the intact file: 2 DDL, 31 inserts, 1 delete");

      // a scan reads what it needs: the file's first events and the transaction it jumps to; one window when it stops early
      List<BinlogTransaction> all = scanAll(file);
      BinlogTransaction last = all.get(all.size() - 1);
      Counting counted = new Counting(BinlogSource.local(file));
      List<String> found = new ArrayList<>();
      new BinlogScanner(BinlogScanner.Detail.FULL).scan(counted, last.start(), tx -> found.add(tx.gtid().toString()));
      assertEquals(List.of(last.gtid()), found);
      assertTrue(counted.bytes < (64 << 10) + (bytes.length - last.start()), counted.bytes + " bytes read");
      Counting early = new Counting(BinlogSource.local(file));
      new BinlogScanner(BinlogScanner.Detail.POSITIONS).scan(early, 4, tx -> false);
      assertTrue(early.bytes <= (1 << 20), early.bytes + " bytes read to find the first transaction");
    }
  }

  /**
   * A local file is mapped: one cut short while it is scanned gives a clear error, as a streamed one does, and not a
   * crash of the JVM, whether the walk meets the missing pages first or the checksum of events already walked does.
   */
  @Test
  void aFileCutShortDuringTheScanIsReported(@TempDir Path tmp) throws Exception {
    try (MariaDbServer s = MariaDbServer.builder(dir("shrink"), "shrink").start()) {
      s.sql("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v TEXT)");
      for (int i = 0; i < 20; i++) s.sql("INSERT INTO d.t SELECT seq + " + (i * 100) + ", REPEAT('x', 1000) FROM d.seq_1_to_100");
      s.stop();
      int copies = 0;
      for (String mode : List.of("mapped, walk first", "mapped, checksum first", "streamed")) {
        Path copy = tmp.resolve("bin.00000" + ++copies);
        Files.copy(s.datadir().resolve("bin.000001"), copy);
        assertTrue(Files.size(copy) > (1 << 20) + 65536, "longer than a window and many pages");
        BinlogSource source = mode.startsWith("mapped") ? BinlogSource.local(copy) : FindCutTest.streamed(BinlogSource.local(copy));
        boolean stopAtOnce = mode.endsWith("checksum first"); // the scan then checksums what it walked: the cut pages among it
        BinlogScanner scanner = new BinlogScanner(BinlogScanner.Detail.POSITIONS);
        long[] cutAt = new long[1];
        java.io.IOException x = assertThrows(java.io.IOException.class, () -> scanner
            .scan(source, 4, tx -> {
              if (tx.start() < 200_000) return true;
              cutAt[0] = tx.end();
              try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(copy, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(tx.start() & ~4095L);
              } catch (java.io.IOException e) {
                throw new AssertionError(e);
              }
              return !stopAtOnce;
            }), mode);
        assertTrue(x.getMessage().contains(copy.toString()) && x.getMessage().contains("bytes when the scan started"), mode + ": " + x.getMessage());
        // the same scanner on another file: what the failed scan left behind must not spare its first events a check
        Path damaged = tmp.resolve("damaged-" + copies);
        Files.copy(s.datadir().resolve("bin.000001"), damaged);
        FindCutTest.flipByte(damaged, cutAt[0] - 1);
        BinlogException crc = assertThrows(BinlogException.class, () -> scanner.scan(damaged, tx -> true), mode);
        assertTrue(crc.getMessage().contains("CRC32 mismatch"), crc.getMessage());
      }
    }
  }

  /** A source that counts the bytes a scan pulls from it. */
  private static final class Counting implements BinlogSource {
    final BinlogSource file;
    long bytes;

    Counting(BinlogSource file) { this.file = file; }

    @Override public String path() { return file.path(); }
    @Override public long size() throws java.io.IOException { return file.size(); }

    @Override
    public void read(long offset, Reader reader) throws java.io.IOException, BinlogException {
      file.read(offset, ch -> reader.read(new java.nio.channels.ReadableByteChannel() {
        @Override public int read(java.nio.ByteBuffer dst) throws java.io.IOException {
          int n = ch.read(dst);
          if (n > 0) bytes += n;
          return n;
        }
        @Override public boolean isOpen() { return ch.isOpen(); }
        @Override public void close() throws java.io.IOException { ch.close(); }
      }));
    }
  }

  @Test
  void compressedEventsAreRefusedWithWhatToDoInstead() {
    try (MariaDbServer s = MariaDbServer.builder(dir("compressed"), "compressed").option("log_bin_compress", "ON")
        .option("log_bin_compress_min_len", "10").start()) {
      s.sql("CREATE DATABASE z", "CREATE TABLE z.t (v TEXT)", "INSERT INTO z.t VALUES (REPEAT('compress me ', 100))");
      BinlogException e = assertThrows(BinlogException.class, () -> scanAll(s.datadir().resolve("bin.000001")));
      assertTrue(e.getMessage().contains("compressed event"), e.getMessage());
      assertTrue(e.hint().contains("mariadb-binlog") && e.hint().contains("replication"), e.hint());
    }
  }

  @Test
  void encryptedBinlogsAreRefusedWithWhatToDoInstead() throws Exception {
    Path d = dir("encrypted");
    Files.createDirectories(d);
    Path keys = d.resolve("keys.txt");
    Files.writeString(keys, "1;" + "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90".substring(0, 64) + "\n");
    try (MariaDbServer s = MariaDbServer.builder(d.resolve("srv"), "encrypted").option("plugin_load_add", "file_key_management")
        .option("file_key_management_filename", keys.toString()).option("encrypt_binlog", "ON").start()) {
      s.sql("CREATE DATABASE secret");
      BinlogException e = assertThrows(BinlogException.class, () -> scanAll(s.datadir().resolve("bin.000001")));
      assertTrue(e.getMessage().contains("is encrypted"), e.getMessage());
      assertTrue(e.hint().contains("donor"), e.hint());
    } finally {
      MariaDbServer.deleteTree(d);
    }
  }

  @Test
  void aFileThatIsNotABinlogIsNamed(@TempDir Path tmp) throws Exception {
    Path index = tmp.resolve("bin.index");
    Files.writeString(index, "./bin.000001\n");
    BinlogException e = assertThrows(BinlogException.class, () -> scanAll(index));
    assertTrue(e.getMessage().contains(index + " is not a MariaDB binlog file"), e.getMessage());
  }

  @Test
  void statementKinds() {
    assertEquals("DROP TABLE", BinlogScanner.kind("DROP TABLE `a`.`b` /* generated by server */"));
    assertEquals("CREATE TABLE", BinlogScanner.kind("create or replace table t (a int)"));
    assertEquals("TRUNCATE TABLE", BinlogScanner.kind("/* x */ truncate table t"));
    assertEquals("GRANT", BinlogScanner.kind("GRANT ALL ON *.* TO x"));
  }

  @Test
  void gtidPositions() {
    GtidPosition p = GtidPosition.parse("0-1-100, 2-5-7");
    assertTrue(p.covers(Gtid.parse("0-9-100")));
    assertFalse(p.covers(Gtid.parse("0-1-101")));
    assertFalse(p.covers(Gtid.parse("1-1-1")), "an unknown domain is not covered");
    p.advance(Gtid.parse("0-1-50"));
    assertEquals("0-1-100,2-5-7", p.toString(), "advancing never goes back");
    assertThrows(IllegalArgumentException.class, () -> Gtid.parse("0-1"));
  }
}
