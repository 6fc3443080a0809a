package io.runbook.steps.binlog;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Shows the transactions on both sides of a cut the way operators read binlogs, for the plan and the approval gate. */
@Doc("Transcript of the transactions around a cut (position, time, GTID, statements)")
public final class Inspect implements StepType<Inspect.Input, Inspect.Output> {

  @Doc("The same files and stop rule as binlog.find-cut, and how many transactions to show on each side")
  public record Input(
      @Doc("Binlog files, oldest first, or folders holding bin.NNNNNN files; on the step's on: host when it has one (read "
          + "through its SSH transport), else local to the engine") List<String> files,
      @Doc("GTID position the target already has, exclusive") Optional<String> startAfter,
      @Doc("Stop right before this GTID") Optional<String> beforeGtid,
      @Doc("Stop before the first transaction after this instant (ISO-8601)") Optional<String> atOrBeforeTime,
      @Doc("Stop before the first statement matching this regex, case-insensitive") Optional<String> beforeMatch,
      @Doc("Stop before the transaction at or containing file:offset") Optional<String> beforePosition,
      @Doc("GTIDs to leave out") Optional<List<String>> skipGtids,
      @Doc(value = "Transactions to show on each side of the cut", defaultValue = "5") Optional<Integer> context,
      @Doc(value = "The replay leaves out only the transaction at the cut and applies the ones after it (dr-pitr's "
          + "keepAfter): the transcript marks that one transaction instead of a stop", defaultValue = "false")
      Optional<Boolean> keepAfter) {}

  @Doc("The transcript around the cut")
  public record Output(
      @Doc("The transcript as text") String transcript,
      @Doc("Transactions before the cut (applied), oldest first") List<BinlogTransaction> before,
      @Doc("Transactions from the cut on (not applied), the cut first") List<BinlogTransaction> after) {}

  @Override public String name() { return "binlog.inspect"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.file(FindCut.where(in.files(), ctx), "show " + in.context().orElse(5) + " transactions either side of the cut "
        + FindCut.stopRule(asFindCut(in)));
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    int n = in.context().orElse(5);
    if (n < 1) throw StepFailure.fatal("step " + ctx.stepId() + ": context must be at least 1", "e.g. context: 5");
    Cut cut = BinlogFiles.find(FindCut.request(asFindCut(in), ctx, n), ctx);
    String text = transcript(cut, in.keepAfter().orElse(false));
    text.lines().forEach(ctx.log()::output);
    return new Output(text, cut.before(), cut.after());
  }

  /**
   * The operator-facing transcript: one block per transaction, a marked line at the cut. With {@code keepAfter} the
   * replay leaves out only the transaction at the cut, so the mark says that and the one after it is marked applied.
   */
  static String transcript(Cut cut, boolean keepAfter) {
    List<String> out = new ArrayList<>();
    boolean skipOne = keepAfter && cut.firstSkipped().isPresent();
    out.add("# cut " + cut.stopRule() + "; " + (skipOne
        ? "replay applies the " + cut.transactions() + " transactions (" + cut.bytes() + " bytes) above the mark, leaves out the"
            + " one right below it, and applies every later one (keepAfter)"
        : "replay applies " + cut.transactions() + " transactions (" + cut.bytes() + " bytes)"));
    for (BinlogTransaction t : cut.before()) block(out, t);
    out.add(!cut.firstSkipped().isPresent() ? "# ---- end of the files: everything above is applied ----"
        : skipOne ? "# ---- LEFT OUT: the next transaction only (keepAfter) ----"
        : "# ---- CUT: replay stops here; nothing below is applied ----");
    for (int i = 0; i < cut.after().size(); i++) {
      if (skipOne && i == 1) out.add("# ---- applied again from here on ----");
      block(out, cut.after().get(i));
    }
    cut.warnings().forEach(w -> out.add("# warning: " + w));
    return String.join("\n", out) + "\n";
  }

  private static void block(List<String> out, BinlogTransaction t) {
    out.add("# at " + t.start() + " end " + t.end() + " " + Path.of(t.file()).getFileName() + "  " + t.time() + "  GTID " + t.gtid()
        + (t.ddl() ? " ddl" : "") + (t.tables().isEmpty() ? "" : "  tables " + String.join(",", t.tables()))
        + (t.kinds().isEmpty() ? "" : "  " + String.join(",", t.kinds())));
    for (String s : t.statements()) {
      String one = s.replaceAll("\\s+", " ").trim();
      out.add("    " + (one.length() > 200 ? one.substring(0, 197) + "..." : one));
    }
  }

  private static FindCut.Input asFindCut(Input in) {
    return new FindCut.Input(in.files(), in.startAfter(), in.beforeGtid(), in.atOrBeforeTime(), in.beforeMatch(),
        in.beforePosition(), in.skipGtids());
  }
}
