package io.runbook.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.testtypes.AttachDisk;
import io.runbook.engine.testtypes.DbState;
import io.runbook.engine.testtypes.FindSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InputBinderTest {
  record Login(String user, SecretRef password, Optional<List<Integer>> ports, Map<String, Duration> waits) {}

  record Query(String sql, Optional<List<Object>> params) {}

  @Test
  void objectValuesMayBeNull() {
    java.util.ArrayList<Object> params = new java.util.ArrayList<>();
    params.add(1L);
    params.add(null);
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("sql", "select ?, ?");
    raw.put("params", params);
    assertEquals(params, InputBinder.bind(raw, Query.class).params().orElseThrow());
  }

  @Test
  void bindsPlainValuesIntoTheRecord() {
    AttachDisk.Input in = InputBinder.bind(Map.of("disk", "d1", "lun", 9L, "replaceExisting", true), AttachDisk.Input.class);
    assertEquals(new AttachDisk.Input("d1", 9, Optional.of(true)), in);
    FindSnapshot.Input f = InputBinder.bind(Map.of("disk", "d1", "atOrBefore", "2026-11-25T12:00:00Z", "maxAge", "2h"),
        FindSnapshot.Input.class);
    assertEquals(Instant.parse("2026-11-25T12:00:00Z"), f.atOrBefore());
    assertEquals(Optional.of(Duration.ofHours(2)), f.maxAge());
    assertEquals(Optional.empty(), f.resourceGroup());
    assertEquals(new DbState.Input(Optional.empty(), Optional.of(DbState.Role.REPLICA)),
        InputBinder.bind(Map.of("role", "replica"), DbState.Input.class));
    assertEquals(new DbState.Input(Optional.empty(), Optional.empty()), InputBinder.bind(null, DbState.Input.class));
  }

  @Test
  void bindsNestedCollectionsAndSecretReferences() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("user", "admin");
    raw.put("password", "env:DB_PASSWORD");
    raw.put("ports", List.of(3306L, 3307L));
    raw.put("waits", Map.of("start", "30s", "stop", Duration.ofMinutes(1)));
    Login l = InputBinder.bind(raw, Login.class);
    assertEquals(SecretRef.parse("env:DB_PASSWORD"), l.password());
    assertEquals(Optional.of(List.of(3306, 3307)), l.ports());
    assertEquals(Duration.ofSeconds(30), l.waits().get("start"));
  }

  @Test
  void problemsNameTheInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputBinder.bind(Map.of("disk", "d1", "lun", "nine", "replace", true), AttachDisk.Input.class));
    assertTrue(e.getMessage().contains("input 'lun': must be an int, not the string 'nine'"), e.getMessage());
    assertTrue(e.getMessage().contains("input 'replace': unknown key 'replace'; known keys: disk, lun, replaceExisting"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> InputBinder.bind(Map.of("lun", 9L), AttachDisk.Input.class));
    assertTrue(e.getMessage().contains("missing required key 'disk'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> InputBinder.bind(
        Map.of("user", "u", "password", "literal-pw", "waits", Map.of()), Login.class));
    assertTrue(e.getMessage().contains("input 'password': must be a secret reference"), e.getMessage());
    assertTrue(!e.getMessage().contains("literal-pw"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> InputBinder.bind(Map.of("lun", 1L << 40, "disk", "d"),
        AttachDisk.Input.class));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> InputBinder.bind(Map.of("role", "leader"), DbState.Input.class));
    assertTrue(e.getMessage().contains("'leader' is not one of PRIMARY, REPLICA"), e.getMessage());
  }
}
