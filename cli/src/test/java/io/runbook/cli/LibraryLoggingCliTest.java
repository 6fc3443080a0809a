package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.testkit.mariadb.MariaDbServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libraries under the CLI (the MariaDB driver among them) look for an SLF4J provider and the CLI ships none: a run
 * that connects to MariaDB must still print only its own lines, and with --output json only JSON lines. The CLI runs
 * on the test class path without slf4j-nop (a test-only jar), as the shipped jar does.
 */
class LibraryLoggingCliTest {
  static final Path BASE = Path.of("target", "library-logging").toAbsolutePath();
  static MariaDbServer db;

  @TempDir Path dir;

  @BeforeAll
  static void database() {
    MariaDbServer.deleteTree(BASE);
    db = MariaDbServer.builder(BASE.resolve("db"), "logging").start();
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
  }

  /** The test class path without the SLF4J provider that only the tests have. */
  static String shippedClassPath() {
    String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !Path.of(e).getFileName().toString().startsWith("slf4j-nop"))
        .collect(Collectors.joining(File.pathSeparator));
    assertFalse(cp.equals(System.getProperty("java.class.path")), "slf4j-nop was on the test class path");
    return cp;
  }

  @Test
  void aRunWithADatabaseStepPrintsOnlyJsonLines() throws Exception {
    Files.writeString(dir.resolve("inv.yaml"), """
        inventory: logging
        cloud: { provider: sandbox, root: %s }
        hosts:
          db1:
            transport: { kind: local }
            db: { address: 127.0.0.1, port: %d, user: root }
        """.formatted(dir.resolve("cloud"), db.port()));
    Files.writeString(dir.resolve("ping.yaml"), """
        runbook: ping
        steps:
          - id: ping
            use: db.query
            on: db1
            with: { sql: "SELECT 1 AS one" }
        """);
    CliProcess.Result r = CliProcess.runOn(shippedClassPath(), dir, Map.of(), "--output", "json",
        "--state-dir", dir.resolve("state").toString(), "run", "ping.yaml", "-i", "inv.yaml");
    assertEquals(0, r.exit(), r.all());
    assertFalse(r.all().contains("SLF4J"), r.all());
    JsonOutputCliTest.lines(r.out());
    JsonOutputCliTest.lines(r.err());
    assertTrue(r.out().contains("\"one\""), "the query ran: " + r.out());
  }
}
