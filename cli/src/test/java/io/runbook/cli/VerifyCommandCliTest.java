package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.journal.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runbook verify RUN_ID} on runs without hosts (expression checks, a SQL check on a host the run has not):
 * the verdict and exit code, --output json, the refusals (unknown run, no verify: section, a run that did not
 * succeed, a check that could write) and the redaction of a secret parameter. SandboxVerifyCommandTest in runbooks/
 * checks a shipped runbook's promises against real servers.
 */
class VerifyCommandCliTest {
  private static final Pattern RUN_ID = Pattern.compile("\\b(\\d{8}-\\d{6}-[0-9a-f]{4})\\b");

  @TempDir Path dir;

  record Out(int exit, String out, String err) {
    String all() { return out + err; }
  }

  private Out cli(String... args) {
    List<String> argv = new ArrayList<>(List.of("--state-dir", dir.resolve("state").toString()));
    argv.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = Main.run(argv.toArray(String[]::new), o, e);
    }
    Out r = new Out(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.println("---- runbook " + String.join(" ", args) + " -> exit " + exit + "\n" + r.all());
    return r;
  }

  private Path runbook(String name, String text) throws Exception {
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, text);
    return f;
  }

  /** Runs a runbook and returns its run id. */
  private String run(Path runbook, int expectedExit, String... params) {
    List<String> argv = new ArrayList<>(List.of("run", runbook.toString(), "--yes"));
    for (String p : params) { argv.add("-p"); argv.add(p); }
    Out r = cli(argv.toArray(String[]::new));
    assertEquals(expectedExit, r.exit(), r.all());
    Matcher m = RUN_ID.matcher(r.all());
    assertTrue(m.find(), "a run id in " + r.all());
    return m.group(1);
  }

  private static final String PROMISES = """
      runbook: promises
      params:
        word: { type: string, default: hello }
        fail: { type: bool, default: false }
      steps:
        - id: say
          use: core.exec
          with: { command: [printf, "${{ params.word }}"], effect: READS }
        - id: stop
          use: core.exec
          when: ${{ params.fail }}
          with: { command: ["false"], effect: READS }
      verify:
        - that: ${{ steps.say.stdout == 'hello' }}
          because: the run said hello
        - that: ${{ params.word != '' }}
          because: a word was given
      """;

  @Test
  void aSucceededRunWhosePromisesHoldPassesAndOneWhoseDoNotFails() throws Exception {
    Path rb = runbook("promises", PROMISES);
    String hello = run(rb, 0);
    Out ok = cli("verify", hello);
    assertEquals(0, ok.exit(), ok.all());
    assertTrue(ok.out().contains("== verify run " + hello + ": promises\nrun: succeeded\nchecks:\n"), ok.out());
    assertTrue(ok.out().contains("  PASS  the run said hello\n        ${{ steps.say.stdout == 'hello' }}\n"), ok.out());
    assertTrue(ok.out().contains("VERIFY PASSED: all 2 check(s) hold"), ok.out());

    // Parameters come back as the run had them (-p word=bye), outputs from its journal.
    String bye = run(rb, 0, "word=bye");
    Out failed = cli("verify", bye);
    assertEquals(1, failed.exit(), failed.all());
    assertTrue(failed.out().contains("  FAIL  the run said hello\n        ${{ steps.say.stdout == 'hello' }}: it is false\n"), failed.out());
    assertTrue(failed.out().contains("  PASS  a word was given\n"), failed.out());
    assertTrue(failed.out().contains("VERIFY FAILED: 1 of 2 check(s) failed"), failed.out());

    Out help = cli("--help");
    assertTrue(help.out().contains("\n  verify      Check a finished run's promises (its runbook's verify: section)"), help.out());
    assertTrue(help.out().matches("(?s).*drill, verify:\\s+a verify: check does not hold.*"), help.out());

    Out json = cli("--output", "json", "verify", bye);
    assertEquals(1, json.exit(), json.all());
    List<String> lines = json.out().lines().toList();
    assertEquals(1, lines.size(), json.out());
    JsonNode e = Json.MAPPER.readTree(lines.get(0));
    assertEquals("verify", e.get("type").asText());
    assertEquals(bye, e.get("run").asText());
    assertEquals("promises", e.get("runbook").asText());
    assertEquals("succeeded", e.get("status").asText());
    assertFalse(e.get("passed").asBoolean());
    assertEquals(1, e.get("failed").asInt());
    assertEquals("the run said hello", e.get("checks").get(0).get("because").asText());
    assertEquals("it is false", e.get("checks").get(0).get("detail").asText());
    assertTrue(e.get("checks").get(1).get("passed").asBoolean());
    assertTrue(e.get("checks").get(1).get("detail").isNull());
    assertTrue(e.get("verdict").asText().startsWith("VERIFY FAILED"), e.toString());
  }

  @Test
  void aRunThatDidNotSucceedIsRefusedUnlessForced() throws Exception {
    String failed = run(runbook("promises", PROMISES), 1, "fail=true");
    Out refused = cli("verify", failed);
    assertEquals(2, refused.exit(), refused.all());
    assertTrue(refused.err().contains("runbook: run " + failed + " (promises) did not succeed (status: failed): the promises"
        + " of its verify: section are not expected to hold; nothing was checked"), refused.err());
    assertTrue(refused.err().contains("next: see where it stopped with: runbook show " + failed), refused.err());
    assertTrue(refused.err().contains("runbook verify " + failed + " --force"), refused.err());
    assertEquals("", refused.out());

    Out forced = cli("verify", failed, "--force");
    assertEquals(0, forced.exit(), forced.all());
    assertTrue(forced.out().contains("run: failed\n"), forced.out());
    assertTrue(forced.out().contains("VERIFY PASSED: all 2 check(s) hold"), forced.out());
  }

  @Test
  void anUnknownRunOrARunbookWithoutPromisesIsRefused() throws Exception {
    Out unknown = cli("verify", "20990101-000000-0000");
    assertEquals(2, unknown.exit(), unknown.all());
    assertTrue(unknown.err().startsWith("runbook: no run 20990101-000000-0000 in " + dir.resolve("state").resolve("runs")
        + "; nothing was checked\nnext: list them with: runbook runs"), unknown.err());
    Out notAnId = cli("--output", "json", "verify", "../../etc");
    assertEquals(2, notAnId.exit(), notAnId.all());
    assertTrue(notAnId.err().startsWith("{\"type\":\"error\",\"message\":\"no run ../../etc in "), notAnId.err());

    String plain = run(runbook("plain", """
        runbook: plain
        steps:
          - id: say
            use: core.exec
            with: { command: [printf, hi], effect: READS }
        """), 0);
    Out none = cli("verify", plain);
    assertEquals(2, none.exit(), none.all());
    assertTrue(none.err().contains("runbook plain (" + dir.resolve("plain.yaml") + ") of run " + plain
        + " has no verify: section; nothing was checked"), none.err());
  }

  @Test
  void aCheckThatCouldWriteIsRefusedBeforeAnyHostIsTouched() throws Exception {
    String id = run(runbook("writer", """
        runbook: writer
        steps:
          - id: say
            use: core.exec
            with: { command: [printf, hi], effect: READS }
        verify:
          - sql: SELECT 1
            on: db1
            expect: 1
            because: a query is fine
          - sql: "DELETE FROM app.orders"
            on: db1
            expect: 0
            because: nothing is left
          - sql: "SELECT * FROM app.orders INTO OUTFILE '/tmp/x'"
            on: db1
            expect: 0
            because: a file is written
        """), 0);
    Out r = cli("verify", id);
    assertEquals(2, r.exit(), r.all());
    String file = dir.resolve("writer.yaml").toString();
    assertTrue(r.err().contains(file + ":11:11: verify check 'nothing is left': 'DELETE FROM app.orders' is not a query"
        + " that only reads; use a SELECT or SHOW statement"), r.err());
    assertTrue(r.err().contains("verify check 'a file is written': 'SELECT * FROM app.orders INTO OUTFILE '/tmp/x'' is not"), r.err());
    assertFalse(r.err().contains("a query is fine"), r.err());
    assertTrue(r.err().contains("verify checks the real hosts and only reads; nothing was checked"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aSecretParameterNeverShowsInTheReport() throws Exception {
    String canary = "Kx7" + Long.toHexString(System.nanoTime()) + "Lp";
    Path secretFile = dir.resolve("token");
    Files.writeString(secretFile, canary);
    String id = run(runbook("secret-echo", """
        runbook: secret-echo
        params:
          token: { type: string, secret: true }
        steps:
          - id: say
            use: core.exec
            with: { command: [printf, hi], effect: READS }
        verify:
          - sql: SELECT ?
            params: ["${{ params.token }}"]
            on: nowhere
            expect: x
            because: the token is bound into a query
        """), 0, "token=file:" + secretFile);
    for (Out r : List.of(cli("verify", id), cli("--output", "json", "verify", id))) {
      assertEquals(1, r.exit(), r.all());
      assertTrue(r.out().contains("SELECT ? with ? = ['***'] on nowhere = x"), r.out());
      assertTrue(r.out().contains("host 'nowhere' is not in the inventory"), r.out());
      assertFalse(r.all().contains(canary), "the secret is redacted: " + r.all());
      assertFalse(r.all().contains(canary.substring(0, 8)), r.all());
    }
  }
}
