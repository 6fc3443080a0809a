package io.runbook.engine.expr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.bind.Values;
import io.runbook.engine.testtypes.DbState;
import io.runbook.engine.testtypes.FindSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the checker says an expression's type is, the evaluator produces: static and run-time types agree. */
class TypeAgreementTest {
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  static final FindSnapshot.Output PICK = new FindSnapshot.Output("snap-1", T0.minusSeconds(60), 128, List.of("a", "b"),
      Optional.of("nightly"));
  static final DbState.Output STATE = new DbState.Output(false, "0-1-9", DbState.Role.REPLICA, Map.of("port", 3306),
      Duration.ofMinutes(2), Optional.of(new DbState.Replication("db1", 3)));

  static Map<String, Object> values() {
    Map<String, Object> steps = new LinkedHashMap<>();
    steps.put("pick", Values.of(PICK));
    steps.put("state", Values.of(STATE));
    return Map.of("steps", steps, "params", Map.of("n", 2L, "at", T0, "names", List.of("x", "y")));
  }

  static Type.RecordOf types() {
    return new Type.RecordOf("scope", Map.of(
        "steps", new Type.RecordOf("steps", Map.of("pick", JavaTypes.of(FindSnapshot.Output.class),
            "state", JavaTypes.of(DbState.Output.class))),
        "params", new Type.RecordOf("params", Map.of("n", Type.INT, "at", Type.TIMESTAMP,
            "names", new Type.ListOf(Type.STRING)))));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "steps.pick.snapshot", "steps.pick.createdAt", "steps.pick.sizeGb", "steps.pick.tags", "steps.pick.note",
      "steps.pick.tags[1]", "steps.state.running", "steps.state.role", "steps.state.uptime", "steps.state.variables",
      "steps.state.replication.lagSeconds", "steps.state.replication", "params.at - steps.pick.createdAt",
      "params.at + steps.state.uptime", "params.n * 2", "params.n / 4.0", "size(params.names)", "string(params.at)",
      "params.n > 1 ? 'many' : 'one'", "[params.n, 1.5]", "default(steps.pick.note, 'none')", "int('7') + params.n",
      "join(params.names, '-')", "'x' in params.names", "params.names + ['z']", "duration('1h') - steps.state.uptime",
      "-params.n", "!steps.state.running", "steps.pick.snapshot.matches('^snap')"})
  void staticTypeMatchesTheValue(String expr) {
    Type t = Templates.typeOf(expr, types(), true);
    Object v = Templates.evaluate(expr, values());
    assertTrue(fits(v, t), expr + ": static type " + t + " but value " + v + " (" + (v == null ? "null" : v.getClass()) + ")");
  }

  static boolean fits(Object v, Type t) {
    if (v == null || t == Type.DYN) return true;
    if (t == Type.STRING) return v instanceof String;
    if (t == Type.INT) return v instanceof Long;
    if (t == Type.DOUBLE) return v instanceof Double || v instanceof Long; // an int is a double where one is expected
    if (t == Type.BOOL) return v instanceof Boolean;
    if (t == Type.TIMESTAMP) return v instanceof Instant;
    if (t == Type.DURATION) return v instanceof Duration;
    if (t instanceof Type.ListOf l) return v instanceof List<?> list && list.stream().allMatch(o -> fits(o, l.element()));
    if (t instanceof Type.MapOf m) return v instanceof Map<?, ?> map && map.values().stream().allMatch(o -> fits(o, m.value()));
    if (t instanceof Type.RecordOf r) {
      return v instanceof Map<?, ?> map && r.fields().entrySet().stream()
          .allMatch(e -> map.containsKey(e.getKey()) && fits(map.get(e.getKey()), e.getValue()));
    }
    return false;
  }
}
