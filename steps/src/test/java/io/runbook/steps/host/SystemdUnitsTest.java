package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemdUnitsTest {
  @Test
  void escapesLikeSystemdEscape() throws Exception {
    for (String path : List.of("/var/lib/mysql", "/data", "/", "/mnt//data-disk/", "/srv/my sql", "/mnt/.hidden",
        "/opt/db_1:x", "/data/ü")) {
      Process p = new ProcessBuilder("systemd-escape", "--path", "--suffix=mount", path).start();
      String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      assertEquals(expected, SystemdUnits.mountUnit(path), path);
    }
  }
}
