package io.runbook.steps.cloud;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One line a step keeps in its run's folder across its attempts: what an attempt is about to change in the cloud,
 * written before the change, so that a retry or a resume after a crash knows what an earlier attempt of this step of
 * this run did even when the cloud cannot tell (a vault restore's disk carries no tags; a detached disk no longer
 * says where it was). A note of another run is ignored.
 */
final class StepNote {
  private final StepContext ctx;
  private final Path file;

  private StepNote(StepContext ctx, Path file) {
    this.ctx = ctx;
    this.file = file;
  }

  /** The note {@code <kind>-<step id>.<suffix>} of this step in the run's folder. */
  static StepNote of(StepContext ctx, String kind, String suffix) {
    return new StepNote(ctx, ctx.runDir().resolve(kind + "-" + ctx.stepId().replaceAll("[^A-Za-z0-9_.-]", "_") + "." + suffix));
  }

  void write(String text) throws StepFailure {
    try {
      Files.writeString(file, ctx.runId() + " " + text + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": cannot write " + file + ": " + e.getMessage(),
          "check the run folder's disk space and permissions, then run the step again");
    }
  }

  /** What an earlier attempt of this step of this run wrote, if any. */
  Optional<String> read() {
    try {
      if (!Files.isRegularFile(file)) return Optional.empty();
      String[] note = Files.readString(file, StandardCharsets.UTF_8).strip().split(" ", 2);
      return note.length == 2 && note[0].equals(ctx.runId()) ? Optional.of(note[1]) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
