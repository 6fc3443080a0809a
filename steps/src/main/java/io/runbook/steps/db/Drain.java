package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Waits until client sessions are gone (replication threads, server threads and the engine's own connection do
 * not count), and with {@code kill: true} kills the ones still there after the timeout. A plain drain only reads and
 * waits (READS, and its plan is only a wait, so a dry-run does not sit in it); with {@code kill: true} it is CHANGES.
 * Declared CHANGES, the most it can do; running it twice is harmless.
 */
@Doc("Wait until client connections are gone; optionally kill the remaining ones after the timeout")
public final class Drain implements StepType<Drain.Input, Drain.Output> {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  @Doc("How long to wait and what to do then")
  public record Input(
      @Doc(value = "Wait at most this long for clients to leave", defaultValue = "60s") Optional<Duration> timeout,
      @Doc(value = "Time between two looks at the process list", defaultValue = "1s") Optional<Duration> interval,
      @Doc(value = "After the timeout, kill the remaining client connections instead of failing (this makes the step CHANGES;"
          + " without it, it only reads and waits, and a dry-run does not wait)", defaultValue = "false")
      Optional<Boolean> kill,
      @Doc("User names whose sessions do not count (e.g. a monitoring agent)") Optional<List<String>> ignoreUsers) {}

  @Doc("How the drain ended")
  public record Output(
      @Doc("Sessions killed after the timeout (id, user, host, command, time)") List<Map<String, Object>> killed,
      @Doc("How long the wait took, in milliseconds") long waitedMs) {}

  @Override public String name() { return "db.drain"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public Effect effectOf(Input in) { return in.kill().orElse(false) ? Effect.CHANGES : Effect.READS; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  /** Without kill, only a WAIT action: the planner does not run READS steps that only wait. */
  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    Plan p = Plan.waitFor(host, "until no client sessions remain (at most "
        + Durations.format(in.timeout().orElse(DEFAULT_TIMEOUT)) + "): " + ClientSessions.SQL);
    return in.kill().orElse(false) ? p.then(Plan.Kind.SQL, host, "KILL CONNECTION <id> for each session still there") : p;
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    List<String> ignored = in.ignoreUsers().orElse(List.of());
    Duration timeout = in.timeout().orElse(DEFAULT_TIMEOUT);
    long start = System.nanoTime();
    List<List<Map<String, Object>>> last = new ArrayList<>(List.of(List.of()));
    Boolean drained = Poll.until(ctx, timeout, in.interval().orElse(Duration.ofSeconds(1)), () -> {
      List<Map<String, Object>> sessions = ClientSessions.list(db, ignored);
      last.set(0, sessions);
      if (!sessions.isEmpty()) ctx.log().progress(db.hostName() + ": waiting for " + sessions.size() + " client sessions");
      return sessions.isEmpty() ? Boolean.TRUE : null;
    });
    if (drained != null) return new Output(List.of(), waited(start));

    List<Map<String, Object>> remaining = last.get(0);
    String list = remaining.stream().map(ClientSessions::describe).collect(Collectors.joining(", "));
    if (!in.kill().orElse(false)) {
      throw StepFailure.fatal(db.where() + ": " + remaining.size() + " client sessions still connected after "
          + Durations.format(timeout) + ": " + list,
          "stop those clients (or point them elsewhere), give the step a longer timeout, or set kill: true");
    }
    List<Map<String, Object>> killed = new ArrayList<>();
    for (Map<String, Object> s : remaining) {
      long id = Long.parseLong(String.valueOf(s.get("id"))); // a number from the server: safe to write into KILL
      try {
        db.execute("KILL CONNECTION " + id);
        killed.add(s);
        ctx.log().warn(db.hostName() + ": killed client session " + ClientSessions.describe(s));
      } catch (StepFailure f) {
        if (!f.getMessage().contains("error 1094")) throw f; // 1094: unknown thread, it left by itself meanwhile
      }
    }
    Boolean gone = Poll.until(ctx, Duration.ofSeconds(10), Duration.ofMillis(200),
        () -> ClientSessions.list(db, ignored).isEmpty() ? Boolean.TRUE : null);
    if (gone == null) {
      throw StepFailure.fatal(db.where() + ": client sessions remain after killing " + list
          + ": " + ClientSessions.list(db, ignored).stream().map(ClientSessions::describe).collect(Collectors.joining(", ")),
          "new clients keep connecting: set read_only ON or block the clients first, then drain again");
    }
    return new Output(killed, waited(start));
  }

  private static long waited(long startNanos) { return (System.nanoTime() - startNanos) / 1_000_000; }
}
