package io.runbook.steps.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** binlog.find-cut and binlog.inspect against binlogs written by a real MariaDB server. */
class FindCutTest {
  static PitrHistory h;
  static StandaloneStepContext ctx;

  @BeforeAll
  static void history() throws Exception {
    h = PitrHistory.write();
    ctx = StandaloneStepContext.builder().stepId("cut").build();
  }

  @AfterAll
  static void cleanUp() {
    if (h != null) h.close();
  }

  static FindCut.Input input(List<String> files, String startAfter) {
    return new FindCut.Input(files, Optional.ofNullable(startAfter), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  static FindCut.Input byGtid(String g) {
    return new FindCut.Input(h.files(), Optional.of(h.basePosition), Optional.of(g), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /** Every stop rule aimed at the DROP gives the same cut: all of phase B applied, the DROP first skipped. */
  private void assertCutBeforeDrop(FindCut.Output out) {
    assertEquals(h.dropGtid, out.firstSkipped().orElseThrow().gtid());
    assertEquals(h.gtidBeforeDrop, out.lastApplied().orElseThrow().gtid());
    assertEquals(h.gtidBeforeDrop, out.endPosition());
    assertTrue(out.firstSkipped().get().statements().get(0).startsWith("DROP TABLE"), out.firstSkipped().get().statements().toString());
    assertEquals(List.of("app.audit"), out.firstSkipped().get().tables());
    assertEquals(61, out.transactions(), "phase A (30) + phase B (30 DML + 1 ALTER)");
    // one segment per file, each with that file's own offsets
    assertEquals(2, out.segments().size(), out.segments().toString());
    assertEquals(h.binlog(2).toString(), out.segments().get(0).file());
    assertEquals(h.binlog(3).toString(), out.segments().get(1).file());
    assertEquals(30, out.segments().get(0).transactions());
    assertEquals(31, out.segments().get(1).transactions());
    assertEquals(h.gtidBeforeDrop, out.segments().get(1).lastGtid());
    assertEquals(4, out.continuity().size(), out.continuity().toString());
  }

  @Test
  void cutByGtid() throws Exception {
    assertCutBeforeDrop(new FindCut().run(byGtid(h.dropGtid), ctx));
  }

  @Test
  void cutByTimeUsesEventTimesAtSecondResolution() throws Exception {
    FindCut.Input in = new FindCut.Input(h.files(), Optional.of(h.basePosition), Optional.empty(),
        Optional.of(Instant.ofEpochSecond(PitrHistory.T0 + 299).toString()), Optional.empty(), Optional.empty(), Optional.empty());
    FindCut.Output out = new FindCut().run(in, ctx);
    assertCutBeforeDrop(out);
    assertEquals(Instant.ofEpochSecond(PitrHistory.T0 + 300).toString(), out.firstSkipped().get().time());
    // at the DROP's own second the DROP is "at or before": it is applied and phase C is cut
    FindCut.Input atDrop = new FindCut.Input(h.files(), Optional.of(h.basePosition), Optional.empty(),
        Optional.of(Instant.ofEpochSecond(PitrHistory.T0 + 300).toString()), Optional.empty(), Optional.empty(), Optional.empty());
    assertEquals(h.dropGtid, new FindCut().run(atDrop, ctx).lastApplied().get().gtid());
  }

  @Test
  void cutByRegexMatchesDdlAndAnnotatedSql() throws Exception {
    FindCut.Input in = new FindCut.Input(h.files(), Optional.of(h.basePosition), Optional.empty(), Optional.empty(),
        Optional.of("drop\\s+table"), Optional.empty(), Optional.empty());
    assertCutBeforeDrop(new FindCut().run(in, ctx));
    // annotated row SQL: the first phase-C insert
    FindCut.Input dml = new FindCut.Input(h.files(), Optional.of(h.basePosition), Optional.empty(), Optional.empty(),
        Optional.of("VALUES \\(1081, 'late'"), Optional.empty(), Optional.empty());
    FindCut.Output out = new FindCut().run(dml, ctx);
    assertEquals(h.dropGtid, out.lastApplied().get().gtid());
    assertEquals(List.of("INSERT"), out.firstSkipped().get().kinds());
  }

  @Test
  void cutByPositionAtOrInsideTheTransaction() throws Exception {
    FindCut.Output exact = new FindCut().run(byGtid(h.dropGtid), ctx);
    BinlogTransaction drop = exact.firstSkipped().get();
    for (long offset : new long[] {drop.start(), drop.start() + 10, drop.end() - 1}) {
      FindCut.Input in = new FindCut.Input(h.files(), Optional.of(h.basePosition), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.of("bin.000004:" + offset), Optional.empty());
      assertCutBeforeDrop(new FindCut().run(in, ctx));
    }
  }

  @Test
  void startAfterSkipsWhatTheTargetHasAndStartsMidFile() throws Exception {
    // a target already holding phase A and the first 10 of phase B: replay starts inside bin.000003
    String mid = h.basePosition.replaceAll("-\\d+$", "-" + (Long.parseLong(h.basePosition.replaceAll(".*-", "")) + 40));
    FindCut.Output out = new FindCut().run(new FindCut.Input(h.files(), Optional.of(mid), Optional.of(h.dropGtid),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), ctx);
    assertEquals(21, out.transactions());
    assertEquals(1, out.segments().size());
    Segment s = out.segments().get(0);
    assertEquals(h.binlog(3).toString(), s.file());
    assertTrue(s.start() > 4, "starts at the first transaction after the target's position, not the file's start");
  }

  @Test
  void missingFileIsAGapNamedInTheFailure() {
    List<String> withHole = List.of(h.files().get(0), h.files().get(1), h.files().get(3));
    StepFailure f = assertThrows(StepFailure.class, () -> new FindCut().run(input(withHole, h.basePosition), ctx));
    assertTrue(f.getMessage().contains("gap in the GTID history between " + h.binlog(2) + " and " + h.binlog(4)), f.getMessage());
    assertTrue(f.getMessage().contains("missing"), f.getMessage());
    assertTrue(f.hint().contains("missing"), f.hint());
  }

  @Test
  void filesStartingAfterTheTargetAreAGap() {
    StepFailure f = assertThrows(StepFailure.class,
        () -> new FindCut().run(input(h.files().subList(2, 4), h.basePosition), ctx));
    assertTrue(f.getMessage().contains("gap: " + h.binlog(3) + " starts after"), f.getMessage());
    assertTrue(f.hint().contains("earlier binlog file"), f.hint());
  }

  @Test
  void withoutStartAfterReplayStartsAtTheFirstFile() throws Exception {
    FindCut.Output out = new FindCut().run(input(h.files().subList(2, 4), null), ctx);
    assertEquals(31 + 1 + 10, out.transactions(), "phase B, the DROP and phase C");
    assertEquals(h.binlog(3).toString(), out.segments().get(0).file());
    assertTrue(out.continuity().get(0).contains("replay starts there"), out.continuity().toString());
  }

  @Test
  void unknownGtidFails() {
    StepFailure f = assertThrows(StepFailure.class, () -> new FindCut().run(byGtid("0-1-999999"), ctx));
    assertTrue(f.getMessage().contains("0-1-999999 is not in the files"), f.getMessage());
  }

  @Test
  void skipGtidsSplitsTheSegmentAroundTheTransaction() throws Exception {
    FindCut.Input in = new FindCut.Input(h.files(), Optional.of(h.basePosition), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(List.of(h.dropGtid)));
    FindCut.Output out = new FindCut().run(in, ctx);
    assertEquals(List.of(h.dropGtid), out.skipped());
    assertEquals(71, out.transactions(), "everything but the DROP");
    assertEquals(3, out.segments().size(), out.segments().toString());
    Segment after = out.segments().get(2);
    assertEquals(h.binlog(4).toString(), after.file());
    FindCut.Output drop = new FindCut().run(byGtid(h.dropGtid), ctx);
    assertEquals(drop.firstSkipped().get().end(), after.start(), "resumes right after the skipped transaction");
  }

  @Test
  void truncatedLastEventIsToleratedAndReported(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path last = tmp.resolve("bin.000004");
    Files.copy(h.binlog(4), last);
    FindCut.Output whole = new FindCut().run(input(h.files(), h.basePosition), ctx);
    assertEquals(72, whole.transactions());
    long lastEnd = whole.segments().get(whole.segments().size() - 1).stop();
    try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
      f.setLength(lastEnd - 7); // inside the final transaction's XID event, as a copy of a file being written
    }
    List<String> closed = List.of(h.files().get(0), h.files().get(1), h.files().get(2), last.toString());
    StepFailure cutShort = assertThrows(StepFailure.class, () -> new FindCut().run(input(closed, h.basePosition), ctx));
    assertTrue(cutShort.getMessage().contains("was closed by its server"), "a closed file cannot end mid-event: "
        + cutShort.getMessage());
    flipByte(last, 4 + 17, 0x01); // set the in-use flag as the server does on the file it writes (not covered by the CRC)
    List<String> files = List.of(h.files().get(0), h.files().get(1), h.files().get(2), last.toString());
    FindCut.Output out = new FindCut().run(input(files, h.basePosition), ctx);
    assertEquals(71, out.transactions(), "the last, incomplete transaction is not replayed");
    BinlogFileInfo info = out.files().get(3);
    assertTrue(info.inUse());
    assertTrue(info.truncatedAt().isPresent());
    assertTrue(info.incompleteGtid().isPresent());
    assertTrue(out.warnings().stream().anyMatch(w -> w.contains("truncated event")), out.warnings().toString());
    assertEquals(whole.lastApplied().get().gtid(), info.incompleteGtid().get());
    assertTrue(out.segments().get(out.segments().size() - 1).stop() <= info.truncatedAt().get());
  }

  @Test
  void corruptedByteIsACrcMismatch(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("bin.000003");
    Files.copy(h.binlog(3), copy);
    FindCut.Output cut = new FindCut().run(byGtid(h.dropGtid), ctx);
    long inside = cut.segments().get(1).start() + 300; // an event body inside phase B
    flipByte(copy, inside);
    List<String> files = List.of(h.files().get(0), h.files().get(1), copy.toString(), h.files().get(3));
    StepFailure f = assertThrows(StepFailure.class, () -> new FindCut().run(input(files, h.basePosition), ctx));
    assertTrue(f.getMessage().contains("CRC32 mismatch"), f.getMessage());
    assertTrue(f.getMessage().contains(copy.toString()), f.getMessage());
    assertTrue(f.hint().contains("damaged"), f.hint());
  }

  @Test
  void inspectShowsBothSidesOfTheCut() throws Exception {
    Inspect.Input in = new Inspect.Input(h.files(), Optional.of(h.basePosition), Optional.empty(), Optional.empty(),
        Optional.of("DROP TABLE"), Optional.empty(), Optional.empty(), Optional.of(3));
    Inspect.Output out = new Inspect().run(in, ctx);
    assertEquals(3, out.before().size());
    assertEquals(3, out.after().size());
    assertEquals(h.gtidBeforeDrop, out.before().get(2).gtid());
    assertEquals(h.dropGtid, out.after().get(0).gtid());
    String t = out.transcript();
    int cutLine = t.indexOf("---- CUT");
    assertTrue(cutLine > 0 && t.indexOf("GTID " + h.gtidBeforeDrop) < cutLine && t.indexOf("GTID " + h.dropGtid) > cutLine, t);
    assertTrue(t.contains("DROP TABLE `app`.`audit`"), t);
    assertTrue(t.contains("INSERT INTO app.accounts"), t);
    assertFalse(t.contains("GTID " + h.basePosition), "context stays within 3 transactions: " + t);
  }

  static void flipByte(Path file, long offset) throws IOException { flipByte(file, offset, 0x40); }

  static void flipByte(Path file, long offset, int bits) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ bits);
    }
  }

}
