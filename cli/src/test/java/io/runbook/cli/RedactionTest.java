package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A canary secret passed by env: reaches the steps but never stdout, stderr, the run log or the journal. */
class RedactionTest {
  static final String CANARY = "canary-5e1f-Zq9-SECRET";

  @TempDir Path dir;

  @Test
  void aSecretParameterNeverAppearsInAnyOutput() throws Exception {
    Path runbook = dir.resolve("secrets.yaml");
    Path seen = dir.resolve("seen.txt");
    Files.writeString(runbook, """
        runbook: secrets
        params:
          token: { type: string, secret: true, description: an API token }
          seen:  { type: string }
        steps:
          - id: use-it
            use: core.exec
            with:
              command: [sh, -c, 'echo "token=$TOKEN"; echo "on stderr: $TOKEN" >&2; printf %s "$TOKEN" > "$SEEN"']
              env: { TOKEN: "${{ params.token }}", SEEN: "${{ params.seen }}" }
          - id: say-it
            use: core.log
            with: { message: "the token is ${{ params.token }}" }
          - id: keep-it
            use: core.set
            with: { values: { wrapped: "[${{ params.token }}]" } }
          - id: fail-with-it
            use: core.assert
            with: { that: false, message: "rejected token ${{ steps.keep-it.values.wrapped }}" }
        """);
    Path state = dir.resolve("state");
    CliProcess.Result r = CliProcess.run(dir, Map.of("CANARY_TOKEN", CANARY), "--state-dir", state.toString(),
        "run", runbook.toString(), "-p", "token=env:CANARY_TOKEN", "-p", "seen=" + seen);
    assertEquals(1, r.exit(), r.all());
    assertEquals(CANARY, Files.readString(seen), "the step got the real value");

    assertFalse(r.out().contains(CANARY), r.out());
    assertFalse(r.err().contains(CANARY), r.err());
    assertTrue(r.out().contains("token=***"), r.out());
    assertTrue(r.out().contains("rejected token [***]"), r.out());

    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(state)) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    assertTrue(files.stream().anyMatch(f -> f.endsWith("journal.jsonl")), files.toString());
    assertTrue(files.stream().anyMatch(f -> f.endsWith("run.log")), files.toString());
    for (Path f : files) {
      assertFalse(Files.readString(f).contains(CANARY), f + " holds the secret");
    }
    Path journal = files.stream().filter(f -> f.endsWith("journal.jsonl")).findFirst().orElseThrow();
    String j = Files.readString(journal);
    assertTrue(j.contains("\"token\":\"env:CANARY_TOKEN\""), "params are journaled as references: " + j);
    assertTrue(j.contains("token=***"), "captured output is redacted, not dropped: " + j);
  }

  /**
   * The journal masks secrets everywhere, also in the runbook's and the inventory's paths, which a resume reads back:
   * a path sharing a piece of a secret would be masked and the run could not be resumed, so it is refused up front.
   */
  @Test
  void aRunbookWhosePathHoldsAPieceOfASecretIsRefusedBeforeAnythingRuns() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("vault-" + CANARY.substring(0, 10)));
    Path runbook = folder.resolve("touch.yaml");
    Path touched = dir.resolve("touched");
    Files.writeString(runbook, """
        runbook: touch
        params:
          token: { type: string, secret: true }
        steps:
          - id: touch
            use: core.exec
            with: { command: [touch, "%s"] }
        """.formatted(touched));
    Path state = dir.resolve("state");
    CliProcess.Result r = CliProcess.run(dir, Map.of("CANARY_TOKEN", CANARY), "--state-dir", state.toString(),
        "run", runbook.toString(), "-p", "token=env:CANARY_TOKEN");
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains("could not be resumed"), r.all());
    assertTrue(r.err().contains("nothing was run"), r.all());
    assertFalse(r.all().contains(CANARY.substring(0, 10)), r.all());
    assertFalse(Files.exists(touched), "no step ran");
  }
}
