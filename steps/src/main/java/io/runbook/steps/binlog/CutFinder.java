package io.runbook.steps.binlog;

import io.runbook.steps.db.Gtid;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds where a replay stops and turns it into per-file byte ranges: scans the files in order, skips what the
 * target already has, checks that the files form one unbroken GTID history from the target's position, and
 * stops at the first transaction the stop rule rejects.
 */
public final class CutFinder {

  private static final int LATE_STARTER_LOOKAHEAD = 1000;

  /** A transaction's location, kept cheaply during the scan and materialised with full detail afterwards. */
  private record Where(BinlogSource file, long start) {}

  public Cut find(CutRequest req) throws IOException, BinlogException {
    if (req.files().isEmpty()) throw new BinlogException("no binlog files given", "list the binlog files to replay, oldest first");
    return new Run(req).go();
  }

  /** Keeps the first transaction a scan meets and stops it (a class, not a lambda: see {@link Run#onTransaction}). */
  private static final class FirstTransaction implements BinlogScanner.Visitor {
    private BinlogTransaction found;

    @Override
    public boolean onTransaction(TransactionCursor tx) {
      found = tx.toTransaction();
      return false;
    }
  }

  /** One cut computation. */
  private static final class Run implements BinlogScanner.Visitor {
    private final CutRequest req;
    private final BinlogScanner scanner;
    private final List<Segment> segments = new ArrayList<>();
    private final List<String> continuity = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<Cut.SkipPoint> skipPoints = new ArrayList<>();
    private final List<BinlogFileInfo> infos = new ArrayList<>();
    private final ArrayDeque<Where> before = new ArrayDeque<>();
    private final List<Where> after = new ArrayList<>();
    private final Set<Long> startSeen = new HashSet<>();
    private final GtidPosition endPosition;
    /** What the target has; with no startAfter given, the first file's GTID_LIST (set once it is read). */
    private GtidPosition start;
    private final Map<String, Long> state = new TreeMap<>();
    private BinlogSource file;
    /** file's path, read once per file rather than per transaction. */
    private String filePath;
    private boolean positionFilePassed;
    private boolean cutHere;
    private boolean cut;
    private long count;
    private BinlogSource lastAppliedFile;
    private long lastAppliedStart;
    private Where firstSkipped;
    private boolean pendingState;
    private long pendingDomain;
    private long pendingServer;
    private long pendingSeq;
    private final Gtid through;
    private final Gtid beforeGtid;
    private final long notAfter;
    /**
     * A cut by time also looks at this many transactions past the cut: event times are statement start times, so a
     * transaction that started at or before the time can commit (and sit in the binlog) after one that started later.
     */
    private int lookAhead;
    private int lateStarters;
    /**
     * The open segment: applied transactions in a row in the current file. Closed at each file's end and where a
     * transaction is skipped; the next applied one opens the next. -1 while the next one opens a segment, else 0: a
     * mask, not a boolean, because apply() runs millions of times from compiled code and a branch first taken in the
     * second file (its first transaction) would send it back to the interpreter until compiled again.
     */
    private long opening = -1;
    private long segStart;
    private long segStop;
    private long segCount;
    private long segFirstDomain;
    private long segFirstServer;
    private long segFirstSeq;
    private long segLastDomain;
    private long segLastServer;
    private long segLastSeq;

    Run(CutRequest req) {
      this.req = req;
      this.scanner = new BinlogScanner(BinlogScanner.Detail.POSITIONS, true, req.beforeMatch().orElse(null));
      this.start = req.startAfter() == null ? GtidPosition.empty() : req.startAfter().copy();
      this.endPosition = start.copy();
      this.through = req.throughGtid().orElse(null);
      this.beforeGtid = req.beforeGtid().orElse(null);
      this.notAfter = req.atOrBeforeTime().isPresent() ? req.atOrBeforeTime().get().getEpochSecond() : Long.MAX_VALUE;
      this.lookAhead = req.atOrBeforeTime().isPresent() ? LATE_STARTER_LOOKAHEAD : 0;
    }

    Cut go() throws IOException, BinlogException {
      BinlogFileInfo previous = null;
      for (int i = 0; i < req.files().size(); i++) {
        BinlogSource f = req.files().get(i);
        closeSegment(); // never across files (filePath still names the file it is in)
        if (cut && scannedEnoughPastCut()) break;
        boolean contextOnly = cut;
        file = f;
        filePath = f.path();
        if (req.beforePosition().isPresent() && positionFilePassed) {
          // the named offset lay after the last transaction of its file: the cut is this file's first transaction
          cutHere = true;
        }
        flushState();
        Map<String, Long> endOfPrevious = new TreeMap<>(state);
        BinlogFileInfo info = scanner.scan(f, 4, this);
        flushState();
        infos.add(info);
        if (!contextOnly) checkStart(info, previous, endOfPrevious);
        if (isPositionFile(f)) positionFilePassed = true;
        if (info.truncatedAt().isPresent()) {
          warnings.add(info.file() + " ends with a truncated event at offset " + info.truncatedAt().get()
              + " (a copy of a file in use or of a crashed server)" + info.incompleteGtid().map(g -> "; its last transaction "
              + g + " is incomplete and is not replayed").orElse(""));
        }
        if (info.inUse() && info.truncatedAt().isEmpty() && !f.equals(req.files().get(req.files().size() - 1))) {
          warnings.add(info.file() + " is flagged in use (its server did not close it) but is not the last file");
        }
        previous = info;
      }
      closeSegment();
      checkStartSeen();
      if (lateStarters > 0) {
        warnings.add(lateStarters + " of the " + (LATE_STARTER_LOOKAHEAD - lookAhead) + " transactions after the cut started at or "
            + "before " + req.atOrBeforeTime().get() + " (event times are statement start times; they committed later) and are "
            + "not replayed: if they belong before the cut, cut by GTID or position instead");
      }
      if (req.beforeGtid().isPresent() && firstSkipped == null) {
        throw new BinlogException("GTID " + req.beforeGtid().get() + " is not in the files after " + start,
            "check the GTID (domain-server-seq) and that the files reach it: last file " + file.path());
      }
      if (req.throughGtid().isPresent() && !endPosition.covers(req.throughGtid().get())) {
        throw new BinlogException("GTID " + req.throughGtid().get() + " is not in the files after " + start,
            "check the GTID and that the files reach it: last file " + file.path());
      }
      for (Gtid g : req.skipGtids()) {
        if (!skipped.contains(g.toString()) && !start.covers(g) && (firstSkipped == null || endPosition.covers(g))) {
          throw new BinlogException("skipGtids names " + g + " but no such transaction is in the replayed range",
              "check the GTID; a transaction to skip must lie between the start position and the cut");
        }
      }
      if (!cut && (req.atOrBeforeTime().isPresent() || req.beforeMatch().isPresent() || req.beforePosition().isPresent())) {
        warnings.add("the stop rule (" + req.describeStop() + ") matched no transaction in these files: the replay runs to their end");
      }
      Where last = lastAppliedFile == null ? null : new Where(lastAppliedFile, lastAppliedStart);
      return new Cut(req.describeStop(), List.copyOf(segments), materialize(last), materialize(firstSkipped), count, start,
          endPosition, List.copyOf(skipped), List.copyOf(skipPoints), List.copyOf(continuity), List.copyOf(warnings),
          List.copyOf(infos), materializeAll(before), materializeAll(after));
    }

    /**
     * Called once per transaction of every file: kept free of allocation on the common path (millions of calls). Run
     * is the visitor itself rather than a method reference: the first lambda of a JVM costs a cold scan ~10 ms.
     */
    @Override
    public boolean onTransaction(TransactionCursor tx) {
      if (cut) {
        if (after.size() < req.context()) after.add(new Where(file, tx.start()));
        if (lookAhead > 0) {
          lookAhead--;
          if (tx.timestamp() <= notAfter) lateStarters++;
        }
        return !scannedEnoughPastCut();
      }
      noteState(tx.domain(), tx.serverId(), tx.seq());
      if (start.covers(tx.domain(), tx.seq())) {
        Gtid have = start.domain(tx.domain()).orElse(null);
        if (have != null && have.seq() == tx.seq()) startSeen.add(tx.domain());
        closeSegment();
        return true;
      }
      // through a GTID: stop at the first transaction once it is applied (or was already there at the start)
      boolean throughReached = through != null && endPosition.covers(through.domain(), through.seq());
      if (throughReached || cutHere || rejects(tx)) {
        cut = true;
        firstSkipped = new Where(file, tx.start());
        if (req.context() > 0) after.add(firstSkipped);
        return !scannedEnoughPastCut();
      }
      if (!req.skipGtids().isEmpty() && req.skipGtids().contains(tx.gtid())) {
        Gtid g = tx.gtid();
        skipped.add(g.toString());
        skipPoints.add(new Cut.SkipPoint(g, endPosition.copy()));
        closeSegment();
        endPosition.advance(g);
        return true;
      }
      apply(tx);
      return true;
    }

    private boolean scannedEnoughPastCut() { return after.size() >= req.context() && lookAhead == 0; }

    private boolean rejects(TransactionCursor tx) {
      if (beforeGtid != null) return beforeGtid.domain() == tx.domain() && beforeGtid.seq() == tx.seq();
      if (notAfter != Long.MAX_VALUE) return tx.timestamp() > notAfter;
      if (req.beforePosition().isPresent()) {
        return isPositionFile(file) && tx.end() > req.beforePosition().get().offset();
      }
      return tx.matched();
    }

    private boolean isPositionFile(BinlogSource f) {
      if (req.beforePosition().isEmpty()) return false;
      String want = req.beforePosition().get().file();
      return f.path().equals(want) || f.fileName().equals(want);
    }

    private void apply(TransactionCursor tx) {
      long m = opening;
      segStart = tx.start() & m | segStart & ~m;
      segFirstDomain = tx.domain() & m | segFirstDomain & ~m;
      segFirstServer = tx.serverId() & m | segFirstServer & ~m;
      segFirstSeq = tx.seq() & m | segFirstSeq & ~m;
      segCount = (segCount & ~m) + 1;
      segStop = tx.end();
      opening = 0;
      segLastDomain = tx.domain();
      segLastServer = tx.serverId();
      segLastSeq = tx.seq();
      count++;
      lastAppliedFile = file;
      lastAppliedStart = tx.start();
      endPosition.advance(tx.domain(), tx.serverId(), tx.seq());
      if (req.context() > 0) {
        before.addLast(new Where(file, tx.start()));
        if (before.size() > req.context()) before.removeFirst();
      }
    }

    /** Records the binlog state (last seq per domain and server), batching runs of one server without a map update each. */
    private void noteState(long domain, long server, long seq) {
      if (pendingState && domain == pendingDomain && server == pendingServer) {
        pendingSeq = seq;
        return;
      }
      flushState();
      pendingState = true;
      pendingDomain = domain;
      pendingServer = server;
      pendingSeq = seq;
    }

    /** Writes the batched state into the map; the batch stays open (a branch first taken per file would cost a recompile). */
    private void flushState() {
      if (pendingState) state.put(pendingDomain + "-" + pendingServer, pendingSeq);
    }

    private void closeSegment() {
      if (opening == 0) {
        segments.add(new Segment(filePath, segStart, segStop, segCount, new Gtid(segFirstDomain, segFirstServer, segFirstSeq).toString(),
            new Gtid(segLastDomain, segLastServer, segLastSeq).toString()));
      }
      opening = -1;
    }

    /** The first file must start at or before the target's position; each later file where the previous one ended. */
    private void checkStart(BinlogFileInfo info, BinlogFileInfo previous, Map<String, Long> expected) throws BinlogException {
      Map<String, Long> listed = new TreeMap<>();
      for (String s : info.gtidListAtStart()) {
        Gtid g = Gtid.parse(s);
        listed.put(g.domain() + "-" + g.serverId(), g.seq());
      }
      if (previous == null && req.startAfter() == null) {
        // no target position given: replay from the start of the first file
        for (String g : info.gtidListAtStart()) {
          start.advance(Gtid.parse(g));
          endPosition.advance(Gtid.parse(g));
        }
        continuity.add(info.file() + " starts at [" + String.join(",", info.gtidListAtStart()) + "]: replay starts there");
      } else if (previous == null) {
        for (Map.Entry<Long, Long> e : maxByDomain(listed).entrySet()) {
          long have = start.domain(e.getKey()).map(Gtid::seq).orElse(0L);
          if (have < e.getValue()) {
            throw new BinlogException("gap: " + info.file() + " starts after GTID " + e.getKey() + "-*-" + e.getValue()
                + " but the target is at " + (have == 0 ? "nothing in domain " + e.getKey() : e.getKey() + "-*-" + have)
                + ": transactions " + (have + 1) + ".." + e.getValue() + " of domain " + e.getKey() + " are in no given file",
                "add the earlier binlog file(s) that hold them, or restore an older base");
          }
        }
        continuity.add(info.file() + " starts at [" + String.join(",", info.gtidListAtStart()) + "], target is at ["
            + start + "]: ok");
      }
      if (previous == null) {
        // start the running state from this file's list, then replay what onTransaction() recorded on top
        Map<String, Long> seen = new TreeMap<>(state);
        state.clear();
        state.putAll(listed);
        state.putAll(seen);
        return;
      }
      if (!expected.equals(listed)) {
        Map<Long, Long> endMax = maxByDomain(expected);
        Map<Long, Long> startMax = maxByDomain(listed);
        StringBuilder gap = new StringBuilder();
        for (Long d : union(endMax.keySet(), startMax.keySet())) {
          long a = endMax.getOrDefault(d, 0L);
          long b = startMax.getOrDefault(d, 0L);
          if (a != b) {
            gap.append(gap.length() > 0 ? "; " : "").append("domain ").append(d).append(": ")
                .append(previous.file()).append(" ends at seq ").append(a).append(", ").append(info.file())
                .append(" starts after seq ").append(b);
            if (b > a) gap.append(" (transactions ").append(a + 1).append("..").append(b).append(" missing)");
          }
        }
        throw new BinlogException("gap in the GTID history between " + previous.file() + " and " + info.file() + ": "
            + (gap.length() > 0 ? gap : "binlog state " + expected + " vs GTID_LIST " + listed),
            "a binlog file is missing or out of order: list every file between them, oldest first");
      }
      continuity.add(info.file() + " starts where " + previous.file() + " ends [" + String.join(",", info.gtidListAtStart()) + "]: ok");
    }

    private void checkStartSeen() throws BinlogException {
      for (Map.Entry<Long, Gtid> e : start.asMap().entrySet()) {
        long listed = 0;
        if (!infos.isEmpty()) {
          for (String s : infos.get(0).gtidListAtStart()) {
            Gtid g = Gtid.parse(s);
            if (g.domain() == e.getKey()) listed = Math.max(listed, g.seq());
          }
        }
        if (e.getValue().seq() > listed && !startSeen.contains(e.getKey()) && (cut || allComplete())) {
          throw new BinlogException("the target's position " + e.getValue() + " is not in these files (domain "
              + e.getKey() + " starts after seq " + listed + ")",
              "the target is ahead of or diverged from this history: check that the base and the files come from the same primary");
        }
      }
    }

    private boolean allComplete() { return infos.stream().allMatch(BinlogFileInfo::complete); }

    private static Map<Long, Long> maxByDomain(Map<String, Long> state) {
      Map<Long, Long> out = new TreeMap<>();
      state.forEach((k, v) -> out.merge(Long.parseLong(k.substring(0, k.indexOf('-'))), v, Math::max));
      return out;
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
      Set<Long> u = new java.util.TreeSet<>(a);
      u.addAll(b);
      return u;
    }

    private Optional<BinlogTransaction> materialize(Where w) throws IOException, BinlogException {
      if (w == null) return Optional.empty();
      FirstTransaction first = new FirstTransaction();
      new BinlogScanner(BinlogScanner.Detail.FULL).scan(w.file(), w.start(), first);
      return Optional.ofNullable(first.found);
    }

    private List<BinlogTransaction> materializeAll(Iterable<Where> ws) throws IOException, BinlogException {
      List<BinlogTransaction> out = new ArrayList<>();
      for (Where w : ws) materialize(w).ifPresent(out::add);
      return out;
    }
  }
}
