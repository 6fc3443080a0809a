package io.runbook.steps.host;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Sha256;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Writes a file on a host from inline content, atomically, and only when content, mode or owner differ. */
@Doc("Write a file on a host from inline content (atomic temp file + rename), with mode and owner; only when something differs")
public final class HostFileWrite implements StepType<HostFileWrite.Input, HostFileWrite.Output> {

  @Doc("The file and what it must hold")
  public record Input(
      @Doc("Absolute path on the host; its folder must exist") String path,
      @Doc("The full content (UTF-8)") String content,
      @Doc(value = "Permission bits in octal, e.g. 0640", defaultValue = "keep; 0644 for a new file") Optional<String> mode,
      @Doc("Owner as user or user:group") Optional<String> owner) {}

  @Doc("What happened")
  public record Output(
      @Doc("Whether the file was written or its mode/owner changed") boolean changed,
      @Doc("SHA-256 of the content, hex") String sha256) {}

  @Override public String name() { return "host.file.write"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    byte[] bytes = in.content().getBytes(StandardCharsets.UTF_8);
    return Plan.file(ctx.target().map(h -> h.name()).orElse("?"), "write " + in.path() + " (" + bytes.length
        + " bytes, sha256 " + Sha256.hex(bytes) + in.mode().map(m -> ", mode " + m).orElse("")
        + in.owner().map(o -> ", owner " + o).orElse("") + ") if it differs, via "
        + AtomicFileWriter.tempPath(in.path(), ctx.runId()) + " and rename");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    HostTransport host = Transports.forTarget(ctx);
    AtomicFileWriter.Desired d = desired(in, ctx);
    boolean changed = AtomicFileWriter.apply(host, d, ctx);
    ctx.log().info(in.path() + " on " + host.describe() + (changed ? ": written" : ": already up to date"));
    return new Output(changed, Sha256.hex(d.content()));
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      AtomicFileWriter.Desired d = desired(in, ctx);
      return AtomicFileWriter.matches(Transports.forTarget(ctx), d, ctx)
          ? Reconciled.done(new Output(true, Sha256.hex(d.content()))) : Reconciled.notDone();
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  static AtomicFileWriter.Desired desired(Input in, StepContext ctx) throws StepFailure {
    return new AtomicFileWriter.Desired(in.path(), in.content().getBytes(StandardCharsets.UTF_8),
        in.mode().isPresent() ? Optional.of(parseMode(in.mode().get(), ctx)) : Optional.empty(), in.owner());
  }

  static int parseMode(String mode, StepContext ctx) throws StepFailure {
    if (!mode.matches("0?[0-7]{3,4}")) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": mode '" + mode + "' is not octal permission bits like 0640");
    }
    return Integer.parseInt(mode, 8);
  }
}
