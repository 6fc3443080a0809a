package io.runbook.engine.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Host;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TypeCheckTest {
  record Snapshot(String snapshot, Instant createdAt, long sizeGb, Optional<String> note, List<String> tags,
                  Map<String, Object> extra, Kind kind) {}

  enum Kind { FULL, INCREMENTAL }

  static final Type.RecordOf SCOPE = new Type.RecordOf("scope", Map.of(
      "params", new Type.RecordOf("params", Map.of("primary", Type.STRING, "count", Type.INT, "at", Type.TIMESTAMP,
          "wait", Type.DURATION, "replicas", new Type.ListOf(Type.STRING))),
      "hosts", new Type.MapOf(JavaTypes.of(Host.class)),
      "steps", new Type.RecordOf("steps", Map.of("pick", JavaTypes.of(Snapshot.class)),
          Map.of("swap", "step 'swap' runs later")),
      "replica", Type.STRING));

  static Type type(String expr) { return Templates.typeOf(expr, SCOPE, true); }

  static ExprException error(String expr) { return assertThrows(ExprException.class, () -> type(expr)); }

  @Test
  void typesFollowTheJavaRecords() {
    assertEquals(Type.STRING, type("steps.pick.snapshot"));
    assertEquals(Type.TIMESTAMP, type("steps.pick.createdAt"));
    assertEquals(Type.INT, type("steps.pick.sizeGb"));
    assertEquals(Type.STRING, type("steps.pick.note"));
    assertEquals(new Type.ListOf(Type.STRING), type("steps.pick.tags"));
    assertEquals(Type.DYN, type("steps.pick.extra.anything"));
    assertEquals(Type.STRING, type("steps.pick.kind"));
    assertEquals(Type.INT, type("hosts[params.primary].dataDisk.lun"));
    assertEquals(Type.STRING, type("hosts['db1'].transport.kind"));
  }

  @Test
  void operatorsHaveTypes() {
    assertEquals(Type.TIMESTAMP, type("params.at - params.wait"));
    assertEquals(Type.DURATION, type("params.at - steps.pick.createdAt"));
    assertEquals(Type.BOOL, type("params.at - steps.pick.createdAt < duration('1h')"));
    assertEquals(Type.DOUBLE, type("params.count * 1.5"));
    assertEquals(Type.BOOL, type("replica in params.replicas"));
    assertEquals(Type.STRING, type("params.count > 1 ? 'many' : 'one'"));
    assertEquals(Type.STRING, type("default(steps.pick.note, 'none')"));
    assertEquals(Type.BOOL, type("has(steps.pick.note)"));
    assertEquals(Type.STRING, Templates.typeOf("${{ params.count }} items", SCOPE, false));
    assertEquals(Type.INT, Templates.typeOf("${{ params.count }}", SCOPE, false));
    assertEquals(Type.STRING, Templates.typeOf("db1", SCOPE, false));
  }

  @Test
  void misspellingsGetSuggestions() {
    ExprException e = error("steps.pick.snapshott");
    assertTrue(e.reason().contains("did you mean 'snapshot'"), e.reason());
    assertEquals(11, e.offset());
    e = error("params.primry");
    assertTrue(e.reason().contains("did you mean 'primary'"), e.reason());
    e = error("stpes.pick");
    assertTrue(e.reason().contains("did you mean 'steps'"), e.reason());
    e = error("steps.swap.device");
    assertEquals("step 'swap' runs later", e.reason());
    e = error("sise(params.replicas)");
    assertTrue(e.reason().contains("did you mean 'size'"), e.reason());
  }

  @Test
  void typeErrorsAreCaught() {
    assertTrue(error("params.count + 'x'").reason().contains("cannot add int and string"));
    assertTrue(error("params.at + params.at").reason().contains("cannot combine timestamp and timestamp"));
    assertTrue(error("params.primary > 3").reason().contains("cannot combine string and int"));
    assertTrue(error("params.count == 'two'").reason().contains("always false"));
    assertTrue(error("!params.count").reason().contains("needs a bool"));
    assertTrue(error("params.count && true").reason().contains("must be bool"));
    assertTrue(error("params.count ? 1 : 2").reason().contains("must be bool"));
    assertTrue(error("params.replicas['x']").reason().contains("list index must be an int"));
    assertTrue(error("params.count.value").reason().contains("cannot read field"));
    assertTrue(error("1 in params.replicas").reason().contains("can never be in"));
    assertTrue(error("duration('5 parsecs')").reason().contains("not a duration"));
    assertTrue(error("timestamp('yesterday')").reason().contains("not a timestamp"));
    assertTrue(error("params.primary.matches('[a-')").reason().contains("invalid regular expression"));
    assertTrue(error("has(params)").reason().contains("has() takes a field"));
    assertTrue(error("size(1)").reason().contains("size() needs"));
    assertTrue(error("size(1, 2)").reason().contains("takes 1 argument"));
    assertTrue(error("params.primary.upper()").reason().contains("unknown method"));
  }

  @Test
  void javaTypeMapping() {
    assertEquals(Type.INT, JavaTypes.of(int.class));
    assertEquals(Type.BOOL, JavaTypes.of(Boolean.class));
    assertEquals(Type.DURATION, JavaTypes.of(Duration.class));
    assertEquals(Type.DYN, JavaTypes.of(Object.class));
    Type host = JavaTypes.of(Host.class);
    assertTrue(host instanceof Type.RecordOf r && r.fields().containsKey("dataDisk"), host.toString());
  }
}
