package io.runbook.steps.db;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses to go on when a server is not set up for crash-consistent snapshots and safe binlog replay; each failed
 * setting comes with the reason it matters.
 */
@Doc("Check the settings that make a crash-consistent snapshot and binlog replay safe; fail with the reason for each")
public final class ConfigCheck implements StepType<ConfigCheck.Input, ConfigCheck.Output> {
  static final String VARIABLES_SQL = "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format',"
      + " 'sync_binlog', 'innodb_flush_log_at_trx_commit', 'innodb_doublewrite', 'gtid_strict_mode',"
      + " 'innodb_checksum_algorithm', 'server_id', 'binlog_expire_logs_seconds', 'expire_logs_days')";

  /** A required setting, its expected value and why it matters. */
  private record Rule(String key, String expected, String reason) {}

  private static final List<Rule> RULES = List.of(
      new Rule("log_bin", "ON", "without the binary log nothing can be replayed after a snapshot and no replica can follow"),
      new Rule("binlog_format", "ROW", "row events replay to the same data; statement events may not"),
      new Rule("sync_binlog", "1", "a snapshot or crash can otherwise hold InnoDB commits whose binlog events were lost,"
          + " so replicas and point-in-time replay miss transactions"),
      new Rule("innodb_flush_log_at_trx_commit", "1", "committed transactions must be on disk at the instant a snapshot is taken"),
      new Rule("innodb_doublewrite", "ON", "protects pages torn by a crash-consistent copy; without it a restored disk may not start"),
      new Rule("gtid_strict_mode", "ON", "out-of-order GTIDs then stop replication and replay loudly instead of diverging silently"),
      new Rule("innodb_checksum_algorithm", "full_crc32", "detects corrupt pages in a restored copy"));

  @Doc("What to check and how strictly")
  public record Input(
      @Doc("Binlogs must be kept at least this long (binlog_expire_logs_seconds / expire_logs_days; 0 = forever)")
      Optional<Duration> minBinlogRetention,
      @Doc("Keys whose mismatch is only a warning, e.g. [innodb_checksum_algorithm]") Optional<List<String>> warnOnly,
      @Doc(value = "Fail the step when a check fails (false: only report)", defaultValue = "true") Optional<Boolean> failOnMismatch) {}

  @Doc("The checks and their verdicts")
  public record Output(
      @Doc("One row per setting") List<Check> checks,
      @Doc("No check failed (warnings allowed)") boolean ok) {}

  @Doc("One checked setting")
  public record Check(
      @Doc("Setting") String key,
      @Doc("Expected value") String expected,
      @Doc("Value on the server") String actual,
      @Doc("OK, WARN or FAIL") String verdict,
      @Doc("Why it matters") String reason) {}

  @Override public String name() { return "db.config.check"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(Host::name).orElse(null);
    return Plan.sql(host, VARIABLES_SQL).then(Plan.Kind.SQL, null, "SELECT @@server_id on every other inventory host with a db: block");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    Host host = ctx.requireTarget();
    MariaDbClient db = MariaDbClient.of(ctx, host);
    Map<String, String> vars = new HashMap<>();
    for (Map<String, Object> row : db.query(VARIABLES_SQL)) {
      vars.put(String.valueOf(row.get("Variable_name")).toLowerCase(Locale.ROOT), String.valueOf(row.get("Value")));
    }
    List<String> warnOnly = in.warnOnly().orElse(List.of());
    List<Check> checks = new ArrayList<>();
    for (Rule r : RULES) {
      String actual = vars.get(r.key());
      boolean ok = actual != null && normalise(actual).equals(normalise(r.expected()));
      checks.add(new Check(r.key(), r.expected(), actual, verdict(ok, r.key(), warnOnly), r.reason()));
    }
    checks.add(serverIdCheck(ctx, host, vars.get("server_id"), warnOnly));
    if (in.minBinlogRetention().isPresent()) checks.add(retentionCheck(in.minBinlogRetention().get(), vars, warnOnly));

    boolean ok = checks.stream().noneMatch(c -> c.verdict().equals("FAIL"));
    for (Check c : checks) {
      if (c.verdict().equals("WARN")) ctx.log().warn(host.name() + ": " + c.key() + " is " + c.actual() + ", expected " + c.expected() + ": " + c.reason());
    }
    if (!ok && in.failOnMismatch().orElse(true)) {
      StringBuilder msg = new StringBuilder(db.where() + " is not safe for snapshots and binlog replay:");
      for (Check c : checks) {
        if (c.verdict().equals("FAIL")) {
          msg.append("\n  ").append(c.key()).append(" is ").append(c.actual()).append(", expected ").append(c.expected())
              .append(": ").append(c.reason());
        }
      }
      throw StepFailure.fatal(msg.toString(), "set these in the server's configuration (my.cnf) and restart it,"
          + " or list a key under warnOnly if you accept the risk");
    }
    return new Output(checks, ok);
  }

  private static Check serverIdCheck(StepContext ctx, Host self, String id, List<String> warnOnly) {
    String reason = "a replica ignores events carrying its own server_id, so duplicates silently lose transactions";
    List<String> clashes = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (Host other : ctx.inventory().hosts().values()) {
      if (other.name().equals(self.name()) || other.db().isEmpty()) continue;
      try {
        String theirs = MariaDbClient.of(ctx, other).value("SELECT @@server_id");
        if (theirs != null && theirs.equals(id)) clashes.add(other.name());
      } catch (StepFailure f) {
        unknown.add(other.name());
      }
    }
    String expected = "unique across the inventory";
    if (!clashes.isEmpty()) {
      return new Check("server_id", expected, id + " (also on " + String.join(", ", clashes) + ")",
          verdict(false, "server_id", warnOnly), reason);
    }
    if (!unknown.isEmpty()) {
      return new Check("server_id", expected, id + " (could not ask " + String.join(", ", unknown) + ")", "WARN", reason);
    }
    return new Check("server_id", expected, id, "OK", reason);
  }

  private static Check retentionCheck(Duration min, Map<String, String> vars, List<String> warnOnly) {
    long seconds = (long) Double.parseDouble(vars.getOrDefault("binlog_expire_logs_seconds", "0"));
    double days = Double.parseDouble(vars.getOrDefault("expire_logs_days", "0"));
    long effective = seconds > 0 ? seconds : Math.round(days * 86400);
    boolean ok = effective == 0 || effective >= min.getSeconds();
    String actual = effective == 0 ? "forever" : Durations.format(Duration.ofSeconds(effective));
    return new Check("binlog_expire_logs_seconds", "at least " + Durations.format(min), actual,
        verdict(ok, "binlog_expire_logs_seconds", warnOnly),
        "binlogs must reach back to the oldest snapshot you may restore, or point-in-time recovery has a gap");
  }

  private static String verdict(boolean ok, String key, List<String> warnOnly) {
    if (ok) return "OK";
    return warnOnly.contains(key) ? "WARN" : "FAIL";
  }

  private static String normalise(String v) {
    String s = v.trim().toUpperCase(Locale.ROOT);
    return s.equals("1") ? "ON" : s;
  }
}
