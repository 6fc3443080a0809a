package io.runbook.steps.host;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Sha256;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads a small text file on a host (e.g. mariadb-backup's xtrabackup_info) into an output. */
@Doc("Read a small text file on a host into an output")
public final class HostFileRead implements StepType<HostFileRead.Input, HostFileRead.Output> {
  static final int DEFAULT_MAX = 1 << 20;

  @Doc("The file to read")
  public record Input(
      @Doc("Absolute path on the host") String path,
      @Doc(value = "Refuse files larger than this many bytes", defaultValue = "1048576") Optional<Integer> maxBytes) {}

  @Doc("The file's content")
  public record Output(
      @Doc("Content as UTF-8 text") String content,
      @Doc("Size in bytes") long size,
      @Doc("SHA-256 of the content, hex") String sha256) {}

  @Override public String name() { return "host.file.read"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.file(ctx.target().map(h -> h.name()).orElse("?"), "read " + in.path());
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    HostTransport host = Transports.forTarget(ctx);
    int max = in.maxBytes().orElse(DEFAULT_MAX);
    FileInfo info = host.stat(in.path()).orElseThrow(() -> StepFailure.fatal(
        "step " + ctx.stepId() + ": " + in.path() + " does not exist on " + host.describe(), "check the path"));
    if (info.directory()) throw StepFailure.fatal("step " + ctx.stepId() + ": " + in.path() + " on " + host.describe() + " is a directory");
    if (info.size() > max) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + in.path() + " on " + host.describe() + " is " + info.size()
          + " bytes, more than maxBytes " + max, "raise maxBytes, or copy the file with host.copy");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    host.read(in.path(), 0, s -> s.transferTo(buf));
    byte[] bytes = buf.toByteArray();
    return new Output(new String(bytes, StandardCharsets.UTF_8), bytes.length, Sha256.hex(bytes));
  }
}
