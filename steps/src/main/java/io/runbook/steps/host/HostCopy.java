package io.runbook.steps.host;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Copies files or a glob between two hosts, or between a host and a folder on the machine running the engine (SFTP
 * for ssh hosts). Each file goes to {@code NAME.part}, is checked by size and SHA-256 against its source, gets the
 * source's mode and is renamed into place. A rerun skips files already verified and resumes a {@code .part} whose
 * bytes are a true prefix of the source.
 */
@Doc("Copy files or a glob between hosts or a host and a local folder, preserving modes and verifying size + sha256")
public final class HostCopy implements StepType<HostCopy.Input, HostCopy.Output> {

  @Doc("What to copy where")
  public record Input(
      @Doc("Source file or glob (`*`, `?` in the last path part), absolute") String from,
      @Doc("Inventory host to copy from; default: the machine running the engine") Optional<String> fromHost,
      @Doc("Destination folder (created if missing); a file path when `from` is a single file and this does not end with /") String to,
      @Doc("Inventory host to copy to; default: the machine running the engine") Optional<String> toHost) {}

  @Doc("What was copied")
  public record Output(
      @Doc("Destination paths of all matched files, in order") List<String> files,
      @Doc("Files actually transferred (the rest were already in place and verified)") int copied,
      @Doc("Bytes transferred") long bytes) {}

  @Override public String name() { return "host.copy"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.file(in.toHost().orElse("(engine)"), "copy " + in.fromHost().orElse("(engine)") + ":" + in.from()
        + " -> " + in.toHost().orElse("(engine)") + ":" + in.to()
        + " (via NAME.part, preserve mode, verify size + sha256, skip files already verified)");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    HostTransport src = endpoint(in.fromHost(), ctx);
    HostTransport dst = endpoint(in.toHost(), ctx);
    List<Pair> pairs = pairs(in, src, dst, ctx);
    if (pairs.isEmpty()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": nothing matches " + in.from() + " on " + src.describe(),
          "check the path or glob");
    }
    List<String> files = new ArrayList<>();
    int copied = 0;
    long bytes = 0;
    for (Pair p : pairs) {
      long sent = new FileCopy(src, dst, p.source(), p.dest(), ctx).run();
      if (sent >= 0) {
        copied++;
        bytes += sent;
      }
      files.add(p.dest());
    }
    ctx.log().info("copied " + copied + " of " + pairs.size() + " file(s), " + bytes + " bytes, to " + dst.describe());
    return new Output(files, copied, bytes);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      HostTransport src = endpoint(in.fromHost(), ctx);
      HostTransport dst = endpoint(in.toHost(), ctx);
      List<Pair> pairs = pairs(in, src, dst, ctx);
      if (pairs.isEmpty()) return Reconciled.unknown("nothing matches " + in.from() + " any more");
      List<String> files = new ArrayList<>();
      for (Pair p : pairs) {
        if (!FileCopy.alreadyThere(src, dst, p.source(), p.dest(), ctx)) return Reconciled.notDone();
        files.add(p.dest());
      }
      return Reconciled.done(new Output(files, 0, 0));
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  private record Pair(FileInfo source, String dest) {}

  private static List<Pair> pairs(Input in, HostTransport src, HostTransport dst, StepContext ctx)
      throws StepFailure, InterruptedException {
    boolean glob = in.from().contains("*") || in.from().contains("?");
    List<FileInfo> sources = glob ? src.glob(in.from())
        : src.stat(in.from()).filter(f -> !f.directory()).map(List::of).orElse(List.of());
    boolean toFolder = glob || in.to().endsWith("/") || dst.stat(in.to()).map(FileInfo::directory).orElse(false);
    String folder = toFolder ? stripSlash(in.to()) : parent(in.to());
    if (dst.stat(folder).isEmpty()) HostCommands.check(dst, HostCommand.of("mkdir", "-p", "--", folder), ctx);
    List<Pair> pairs = new ArrayList<>();
    for (FileInfo f : sources) {
      pairs.add(new Pair(f, toFolder ? folder + "/" + baseName(f.path()) : in.to()));
    }
    return pairs;
  }

  private static HostTransport endpoint(Optional<String> host, StepContext ctx) throws StepFailure {
    return host.isPresent() ? Transports.forHost(ctx, ctx.host(host.get())) : Transports.engineMachine(ctx);
  }

  private static String stripSlash(String p) { return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p; }

  private static String parent(String p) {
    int slash = p.lastIndexOf('/');
    return slash <= 0 ? "/" : p.substring(0, slash);
  }

  private static String baseName(String p) { return p.substring(p.lastIndexOf('/') + 1); }
}
