package io.runbook.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.testtypes.DbState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void recordsBecomeMapsOfPlainValues() {
    DbState.Output out = new DbState.Output(true, "0-1-42", DbState.Role.PRIMARY, Map.of("port", 3306),
        Duration.ofMinutes(3), Optional.of(new DbState.Replication("db1", 2)));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("running", true);
    expected.put("gtid", "0-1-42");
    expected.put("role", "PRIMARY");
    expected.put("variables", Map.of("port", 3306L));
    expected.put("uptime", Duration.ofMinutes(3));
    expected.put("replication", Map.of("source", "db1", "lagSeconds", 2L));
    assertEquals(expected, Values.of(out));
  }

  @Test
  void scalarsAreNormalised() {
    assertEquals(5L, Values.of(5));
    assertEquals(1.5, Values.of(1.5f));
    assertEquals(null, Values.of(Optional.empty()));
    assertEquals("env:X", Values.of(SecretRef.parse("env:X")));
    assertEquals(List.of(1L, "a"), Values.of(List.of(1, "a")));
  }
}
