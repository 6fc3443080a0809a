package io.runbook.steps.binlog;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.db.MariaDbClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fallback apply path: {@code mariadb-binlog --start-position=S --stop-position=E FILE | mariadb} once per segment,
 * so each file gets its own offsets (mariadb-binlog applies --start-position only to its first file and
 * --stop-position only to its last). The password reaches the client through MYSQL_PWD, never the command line.
 */
final class PipeApplier {
  private final StepContext ctx;
  private final MariaDbClient db;
  private final String user;
  private final String password;

  PipeApplier(StepContext ctx, MariaDbClient db, String user, String password) {
    this.ctx = ctx;
    this.db = db;
    this.user = user;
    this.password = password;
  }

  static List<String> decodeCommand(Segment s) {
    return List.of("mariadb-binlog", "--start-position=" + s.start(), "--stop-position=" + s.stop(), s.file());
  }

  List<String> clientCommand() {
    return List.of("mariadb", "--binary-mode", "--host=" + db.address(), "--port=" + db.port(), "--user=" + user);
  }

  /** Shell form of the pipeline for plans and messages (no password in it). */
  String shown(Segment s) {
    return ShellWords.join(decodeCommand(s)) + " | " + ShellWords.join(clientCommand());
  }

  void apply(Cut cut, ReplayProgress progress, java.util.function.Supplier<GtidPosition> position)
      throws StepFailure, InterruptedException {
    for (Segment s : cut.segments()) {
      ctx.log().info("applying " + s.file() + " [" + s.start() + ", " + s.stop() + "): " + s.transactions()
          + " transactions " + s.firstGtid() + ".." + s.lastGtid());
      Path err = null;
      try {
        err = Files.createTempFile("binlog-replay", ".err");
        ProcessBuilder decode = new ProcessBuilder(decodeCommand(s)).redirectError(err.toFile());
        ProcessBuilder client = new ProcessBuilder(clientCommand()).redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (password != null) client.environment().put("MYSQL_PWD", password);
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(decode, client));
        Process last = pipeline.get(1);
        try {
          while (!last.waitFor(500, TimeUnit.MILLISECONDS)) {
            progress.report(position.get(), false);
            if (ctx.deadline().isPresent() && java.time.Instant.now().isAfter(ctx.deadline().get())) {
              throw StepFailure.fatal("step " + ctx.stepId() + ": timeout while applying " + s.file() + " at " + position.get(),
                  "raise the step's timeout; resume continues after the last applied transaction");
            }
          }
          pipeline.get(0).waitFor();
        } finally {
          // a timeout or an interrupted run must not leave a pipe applying behind the engine's back
          pipeline.forEach(p -> { if (p.isAlive()) p.destroy(); });
        }
        int rcDecode = pipeline.get(0).exitValue();
        int rcClient = last.exitValue();
        if (rcDecode != 0 || rcClient != 0) {
          String stderr = Files.readString(err, StandardCharsets.UTF_8).strip();
          throw failedAt(cut, s, (rcClient != 0 ? "mariadb exited with " + rcClient : "mariadb-binlog exited with " + rcDecode)
              + (stderr.isEmpty() ? "" : ": " + lastLine(stderr)), position.get());
        }
      } catch (IOException e) {
        throw StepFailure.fatal("step " + ctx.stepId() + ": cannot run " + shown(s) + ": " + e.getMessage(),
            "install mariadb-client (mariadb-binlog and mariadb) where the engine runs");
      } finally {
        if (err != null) {
          try { Files.deleteIfExists(err); } catch (IOException ignored) { /* a temp file */ }
        }
      }
      progress.report(position.get(), true);
    }
  }

  private StepFailure failedAt(Cut cut, Segment s, String what, GtidPosition now) {
    String gtid = Replay.firstNotApplied(cut, now);
    return StepFailure.fatal("step " + ctx.stepId() + ": replay stopped at GTID " + gtid + " (" + s.file() + ") on "
        + db.where() + ": " + what + "; the target is at " + now,
        "fix the cause on the target and resume (it continues after " + now + " and never re-applies), "
            + "or leave that transaction out with skipGtids: [" + gtid + "]");
  }

  private static String lastLine(String s) {
    String[] lines = s.split("\n");
    return lines[lines.length - 1];
  }
}
