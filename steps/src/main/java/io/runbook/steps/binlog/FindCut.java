package io.runbook.steps.binlog;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.db.Gtid;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Finds where a point-in-time replay must stop in a set of binlog files, and the exact byte range of each file to
 * apply; checks that the files form one unbroken GTID history from the target's position.
 */
@Doc("Find the cut for point-in-time recovery: per-file byte ranges, the last applied and the first skipped transaction")
public final class FindCut implements StepType<FindCut.Input, FindCut.Output> {

  @Doc("Binlog files and where to stop; give at most one stop rule (none: to the end of the files)")
  public record Input(
      @Doc("Binlog files, oldest first, or folders holding bin.NNNNNN files; on the step's on: host when it has one (read "
          + "through its SSH transport, only the bytes the scan needs, nothing copied), else local to the engine") List<String> files,
      @Doc(value = "GTID position the target already has, exclusive (e.g. the booted base's @@gtid_binlog_pos)", defaultValue = "from the start of the first file")
      Optional<String> startAfter,
      @Doc("Stop right before this GTID") Optional<String> beforeGtid,
      @Doc("Stop before the first transaction whose event time is after this instant (ISO-8601; second resolution)") Optional<String> atOrBeforeTime,
      @Doc("Stop before the first transaction with a statement (DDL or annotated row SQL) matching this regex, case-insensitive") Optional<String> beforeMatch,
      @Doc("Stop before the transaction at or containing this position, file:offset (e.g. bin.000007:1234)") Optional<String> beforePosition,
      @Doc("GTIDs to leave out of the replay") Optional<List<String>> skipGtids) {}

  @Doc("Where replay stops and what it applies")
  public record Output(
      @Doc("The stop rule in words") String stopRule,
      @Doc("Byte ranges to apply, each with its own file's start and stop offsets") List<Segment> segments,
      @Doc("The last transaction replay applies") Optional<BinlogTransaction> lastApplied,
      @Doc("The first transaction replay does not apply (the cut)") Optional<BinlogTransaction> firstSkipped,
      @Doc("Transactions to replay") long transactions,
      @Doc("Bytes to replay") long bytes,
      @Doc("The target's GTID position after the replay") String endPosition,
      @Doc("GTIDs left out on request") List<String> skipped,
      @Doc("Continuity checks passed, one per file") List<String> continuity,
      @Doc("Things to know: truncated last event, files in use, a stop rule that never triggered") List<String> warnings,
      @Doc("The files scanned") List<BinlogFileInfo> files) {}

  @Override public String name() { return "binlog.find-cut"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.file(where(in.files(), ctx), "scan binlog files (read only) after [" + in.startAfter().orElse("")
        + "] for the cut " + stopRule(in));
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    Cut cut = BinlogFiles.find(request(in, ctx, 0), ctx);
    cut.warnings().forEach(ctx.log()::warn);
    ctx.log().info(cut.transactions() + " transactions in " + cut.segments().size() + " segment(s), " + cut.bytes()
        + " bytes; last applied " + cut.lastApplied().map(BinlogTransaction::gtid).orElse("none")
        + ", first skipped " + cut.firstSkipped().map(t -> t.gtid() + " " + t.summary()).orElse("none"));
    return new Output(cut.stopRule(), cut.segments(), cut.lastApplied(), cut.firstSkipped(), cut.transactions(), cut.bytes(),
        cut.endPosition().toString(), cut.skipped(), cut.continuity(), cut.warnings(), cut.files());
  }

  /** The scan request the inputs describe; {@code context} transactions are kept either side of the cut. */
  static CutRequest request(Input in, StepContext ctx, int context) throws StepFailure {
    String step = "step " + ctx.stepId() + ": ";
    try {
      Set<Gtid> skip = new HashSet<>();
      for (String g : in.skipGtids().orElse(List.of())) skip.add(Gtid.parse(g));
      return new CutRequest(BinlogFiles.resolve(in.files(), ctx), in.startAfter().map(GtidPosition::parse).orElse(null),
          in.beforeGtid().map(Gtid::parse), Optional.empty(), in.atOrBeforeTime().map(Instant::parse),
          in.beforeMatch().map(r -> Pattern.compile(r, Pattern.CASE_INSENSITIVE)),
          in.beforePosition().map(CutRequest.FilePosition::parse), skip, context);
    } catch (DateTimeParseException e) {
      throw StepFailure.fatal(step + "atOrBeforeTime is not an ISO-8601 instant: " + e.getParsedString(),
          "write it like 2026-11-25T17:01:38Z");
    } catch (PatternSyntaxException e) {
      throw StepFailure.fatal(step + "beforeMatch is not a valid regex: " + e.getDescription(), "e.g. beforeMatch: 'DROP\\s+TABLE'");
    } catch (IllegalArgumentException e) {
      throw StepFailure.fatal(step + e.getMessage(), "GTIDs are domain-server-seq (0-1-42), positions file:offset");
    }
  }

  /** The files as a plan shows them: with the host they are read on when that is not the engine's machine. */
  static String where(List<String> files, StepContext ctx) {
    String list = String.join(" ", files);
    return ctx.target().filter(h -> h.transport() != null && !h.transport().isLocal())
        .map(h -> h.name() + ":" + list + " (streamed over ssh, not copied)").orElse(list);
  }

  static String stopRule(Input in) {
    return in.beforeGtid().map(g -> "before GTID " + g)
        .or(() -> in.atOrBeforeTime().map(t -> "at or before " + t))
        .or(() -> in.beforeMatch().map(r -> "before /" + r + "/"))
        .or(() -> in.beforePosition().map(p -> "before " + p))
        .orElse("at the end of the files");
  }
}
