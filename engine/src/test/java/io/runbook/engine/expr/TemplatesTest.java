package io.runbook.engine.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  static Map<String, Object> scope() {
    Map<String, Object> pick = new LinkedHashMap<>();
    pick.put("snapshot", "snap-1");
    pick.put("createdAt", T0.minusSeconds(3600));
    pick.put("sizeGb", 128L);
    pick.put("note", null);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("params", Map.of("primary", "db1", "replicas", List.of("db2", "db3"), "count", 2L, "at", T0,
        "wait", Duration.ofMinutes(5), "ratio", 0.5));
    s.put("hosts", Map.of("db1", Map.of("name", "db1", "dataDisk", Map.of("name", "db1-data", "lun", 9L))));
    s.put("steps", Map.of("pick", pick, "new-disk", Map.of("disk", "d-9")));
    s.put("run", Map.of("id", "r42", "startedAt", T0));
    return s;
  }

  static Object eval(String expr) { return Templates.evaluate(expr, scope()); }

  @Test
  void loneTemplateKeepsItsType() {
    assertEquals(128L, Templates.render("${{ steps.pick.sizeGb }}", scope()));
    assertEquals(List.of("db2", "db3"), Templates.render("  ${{ params.replicas }} ", scope()));
    assertEquals(T0, Templates.render("${{ params.at }}", scope()));
  }

  @Test
  void textWithTemplatesIsAString() {
    assertEquals("db1-data-r42", Templates.render("${{ hosts[params.primary].dataDisk.name }}-${{ run.id }}", scope()));
    assertEquals("wait 5m for [db2, db3]", Templates.render("wait ${{ params.wait }} for ${{ params.replicas }}", scope()));
    assertEquals("plain text", Templates.render("plain text", scope()));
  }

  @Test
  void rendersMapsAndListsRecursively() {
    Object out = Templates.render(Map.of("disk", "${{ steps.new-disk.disk }}", "luns", List.of("${{ 4 + 5 }}", 11L)), scope());
    assertEquals(Map.of("disk", "d-9", "luns", List.of(9L, 11L)), out);
  }

  @Test
  void arithmeticAndComparisons() {
    assertEquals(7L, eval("1 + 2 * 3"));
    assertEquals(9L, eval("(1 + 2) * 3"));
    assertEquals(1L, eval("7 % 3"));
    assertEquals(2.5, eval("params.count + params.ratio"));
    assertEquals(-3L, eval("-3"));
    assertEquals(true, eval("params.count >= 2 && !(params.count > 2)"));
    assertEquals("db1!", eval("params.primary + '!'"));
    assertEquals(true, eval("'b' > 'a'"));
    assertEquals(true, eval("2 == 2.0"));
    assertEquals(1L, eval("steps.new-disk.disk == 'd-9' ? 1 : 2"));
    assertEquals(1L, eval("params.count - 1"));
  }

  @Test
  void timestampsAndDurations() {
    assertEquals(T0.plusSeconds(300), eval("params.at + params.wait"));
    assertEquals(T0.minusSeconds(300), eval("params.at - duration('5m')"));
    assertEquals(Duration.ofHours(1), eval("params.at - steps.pick.createdAt"));
    assertEquals(Duration.ofMinutes(10), eval("params.wait + params.wait"));
    assertEquals(true, eval("steps.pick.createdAt < params.at"));
    assertEquals(true, eval("params.at - steps.pick.createdAt > duration('30m')"));
    assertEquals(T0, eval("timestamp('2026-11-25T13:00:00+01:00')"));
  }

  @Test
  void membershipAndFunctions() {
    assertEquals(true, eval("'db2' in params.replicas"));
    assertEquals(false, eval("'db9' in params.replicas"));
    assertEquals(true, eval("'db1' in hosts"));
    assertEquals(2L, eval("size(params.replicas)"));
    assertEquals(4L, eval("size('café')"));
    assertEquals("2", eval("string(params.count)"));
    assertEquals(42L, eval("int('42')"));
    assertEquals("db2,db3", eval("join(params.replicas, ',')"));
    assertEquals(true, eval("params.primary.startsWith('db') && params.primary.endsWith('1')"));
    assertEquals(true, eval("steps.pick.snapshot.contains('-')"));
    assertEquals(true, eval("steps.pick.snapshot.matches('^snap-[0-9]+$')"));
    assertEquals(true, eval("params.replicas.contains('db3')"));
    assertEquals(List.of(1L, 2L), eval("[1, 2]"));
  }

  @Test
  void hasAndDefaultGuardNulls() {
    assertEquals(false, eval("has(steps.pick.note)"));
    assertEquals(true, eval("has(steps.pick.snapshot)"));
    assertEquals("none", eval("default(steps.pick.note, 'none')"));
    assertEquals("none", eval("default(steps.pick.note.deeper, 'none')"));
    assertEquals("snap-1", eval("default(steps.pick.snapshot, 'none')"));
  }

  @Test
  void shortCircuitSkipsTheFailingSide() {
    assertEquals(false, eval("false && steps.pick.note.x == 1"));
    assertEquals(true, eval("true || steps.pick.note.x == 1"));
  }

  @Test
  void runtimeErrorsNameTheExpressionAndOffset() {
    ExprException e = assertThrows(ExprException.class, () -> eval("steps.pick.note.x"));
    assertTrue(e.getMessage().contains("'steps.pick.note' is null"), e.getMessage());
    assertEquals(16, e.offset());
    e = assertThrows(ExprException.class, () -> Templates.render("x ${{ 1 / 0 }}", scope()));
    assertTrue(e.getMessage().contains("division by zero") && e.getMessage().contains("x ${{ 1 / 0 }}"), e.getMessage());
    assertEquals(8, e.offset());
    assertThrows(ExprException.class, () -> eval("9223372036854775807 + 1"));
    assertThrows(ExprException.class, () -> eval("params.replicas[5]"));
  }

  @Test
  void syntaxErrorsPointAtTheToken() {
    ExprException e = assertThrows(ExprException.class, () -> eval("params.count = 2"));
    assertEquals(13, e.offset());
    e = assertThrows(ExprException.class, () -> Templates.render("a ${{ params.count + }} b", scope()));
    assertEquals(20, e.offset()); // the end of "params.count +", where an operand is missing
    e = assertThrows(ExprException.class, () -> Templates.render("${{ 'abc }}", scope()));
    assertTrue(e.reason().contains("not closed"), e.reason());
    assertThrows(ExprException.class, () -> eval("(".repeat(200) + "1" + ")".repeat(200)));
    assertThrows(ExprException.class, () -> eval("1 ".repeat(3000)));
  }

  @Test
  void templateEndIsFoundPastBracesInStrings() {
    assertEquals("a}}b", Templates.render("${{ 'a}}b' }}", scope()));
  }

  @Test
  void evaluationIsBounded() {
    String big = "x".repeat(600_000);
    Map<String, Object> s = new LinkedHashMap<>(scope());
    s.put("big", big);
    assertThrows(ExprException.class, () -> Templates.evaluate("big + big", s));
    s.put("evil", "a".repeat(24) + "!");
    ExprException e = assertThrows(ExprException.class, () -> Templates.evaluate("evil.matches('(.*a){20}')", s));
    assertTrue(e.reason().contains("too much work"), e.reason());
  }
}
