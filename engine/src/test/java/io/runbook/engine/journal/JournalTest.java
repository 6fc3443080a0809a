package io.runbook.engine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.secret.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  record Out(String disk, Instant at, Duration took) {}

  @Test
  void recordsAreLinesOfRedactedJsonAndFoldIntoStepStates() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    Redactor redactor = new Redactor();
    redactor.register("s3cr3t-value");
    try (JournalWriter w = new JournalWriter(file, redactor)) {
      w.append(JournalRecord.of(JournalRecord.RUN_STARTED, null).with("runId", "r"));
      w.append(JournalRecord.of(JournalRecord.STEP_STARTED, "a")
          .with("input", Json.redactedTree(Map.of("password", "s3cr3t-value", "quoted", "x\"s3cr3t-value\""), redactor)));
      w.append(JournalRecord.of(JournalRecord.STEP_SUCCEEDED, "a").with("outputs",
          Json.redactedTree(new Out("disk-1", Instant.parse("2026-11-25T10:00:00Z"), Duration.ofSeconds(90)), redactor)));
      w.append(JournalRecord.of(JournalRecord.STEP_STARTED, "b"));
      w.append(JournalRecord.of(JournalRecord.STEP_SKIPPED, "c").with("reason", "when false"));
      w.append(JournalRecord.of(JournalRecord.STEP_STARTED, "d"));
      w.append(JournalRecord.of(JournalRecord.APPROVAL_WAITING, "d").with("message", "ok?"));
    }
    String text = Files.readString(file);
    assertFalse(text.contains("s3cr3t-value"), text);
    assertEquals(7, text.lines().count());
    JournalReader.Contents c = JournalReader.read(file);
    assertTrue(c.tornTail().isEmpty());
    RunHistory h = RunHistory.fold(c.records());
    assertEquals(RunHistory.State.SUCCEEDED, h.step("a").orElseThrow().state());
    Out restored = Json.MAPPER.treeToValue(h.step("a").orElseThrow().outputs(), Out.class);
    assertEquals(new Out("disk-1", Instant.parse("2026-11-25T10:00:00Z"), Duration.ofSeconds(90)), restored);
    assertEquals(RunHistory.State.IN_DOUBT, h.step("b").orElseThrow().state());
    assertEquals(RunHistory.State.SKIPPED, h.step("c").orElseThrow().state());
    assertEquals(RunHistory.State.WAITING, h.step("d").orElseThrow().state());
    h.apply(JournalRecord.of(JournalRecord.DECISION, "b").with("decision", RunHistory.RERUN));
    assertTrue(h.step("b").isEmpty());
    h.apply(JournalRecord.of(JournalRecord.DECISION, "d").with("decision", RunHistory.APPROVE));
    assertTrue(h.approved("d"));
  }

  @Test
  void aTornLastLineIsIgnoredAndCanBeCutOff() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    try (JournalWriter w = new JournalWriter(file, new Redactor())) {
      w.append(JournalRecord.of(JournalRecord.RUN_STARTED, null));
      w.append(JournalRecord.of(JournalRecord.STEP_STARTED, "a"));
    }
    Files.writeString(file, "{\"type\":\"step-succeeded\",\"st", StandardOpenOption.APPEND);
    JournalReader.Contents c = JournalReader.read(file);
    assertEquals(2, c.records().size());
    assertTrue(c.tornTail().orElseThrow().contains("cut off"));
    JournalReader.dropTornTail(file, c);
    try (JournalWriter w = new JournalWriter(file, new Redactor())) {
      w.append(JournalRecord.of(JournalRecord.STEP_SUCCEEDED, "a"));
    }
    JournalReader.Contents again = JournalReader.read(file);
    assertEquals(3, again.records().size());
    assertTrue(again.tornTail().isEmpty());
  }

  @Test
  void aDamagedLineInTheMiddleIsAnError() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    Files.writeString(file, "{\"type\":\"run-started\"}\nnot json\n{\"type\":\"run-finished\"}\n");
    IOException e = assertThrows(IOException.class, () -> JournalReader.read(file));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void aPieceOfASecretCutAtAnEscapeNeverBreaksTheLine() throws Exception {
    // The JSON form of the secret has \" then \\; the text has \" then \" : 8 characters in a row of the secret's
    // JSON form end in the middle of the text's second escape. Masked as they are, the line would not parse.
    Redactor r = new Redactor();
    r.register("abcdefg\"\\hij");
    Path file = dir.resolve("journal.jsonl");
    try (JournalWriter w = new JournalWriter(file, r)) {
      w.append(JournalRecord.of(JournalRecord.STEP_SUCCEEDED, "x").with("text", "cdefg\"\" and more"));
      w.append(JournalRecord.of(JournalRecord.STEP_SUCCEEDED, "y").with("text", "plain"));
    }
    var records = JournalReader.read(file).records();
    assertEquals(2, records.size());
    assertEquals("***", records.get(0).text("text"), "the whole text is withheld");
    assertEquals("plain", records.get(1).text("text"));
  }
}
