package io.runbook.engine.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.secret.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends records to {@code journal.jsonl}, one JSON object a line, each forced to disk before the call
 * returns: a record that was written survives a crash. Every text is redacted before it is written.
 *
 * <p>Crash tests set {@code RUNBOOK_TEST_KILL_AFTER_RECORD=k} (or the system property
 * {@code runbook.test.killAfterRecord}): the JVM halts right after record k of this process is on disk.
 */
public final class JournalWriter implements AutoCloseable {
  public static final String FILE_NAME = "journal.jsonl";

  private final FileChannel channel;
  private final Redactor redactor;
  private final long killAfter;
  private final io.runbook.engine.run.RunListener listener;
  private long written;

  public JournalWriter(Path file, Redactor redactor) { this(file, redactor, io.runbook.engine.run.RunListener.NONE); }

  /** A writer that also tells {@code listener} about each record once it is on disk. */
  public JournalWriter(Path file, Redactor redactor, io.runbook.engine.run.RunListener listener) {
    this.listener = listener;
    try {
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the journal " + file + ": " + e.getMessage(), e);
    }
    this.redactor = redactor;
    this.killAfter = killAfterSetting();
  }

  /** Writes one record and forces it to disk. */
  public synchronized void append(JournalRecord record) {
    String line;
    try {
      JsonNode tree = Json.redact(record.json(), redactor);
      String plain = Json.MAPPER.writeValueAsString(tree);
      // A secret could hide behind JSON escaping; redact the final text too.
      line = redactor.redact(plain);
      if (!line.equals(plain) && !Json.parses(line)) {
        // A piece masked in the middle of an escape (\" \\) broke the line: withhold those texts whole instead.
        line = redactor.redact(Json.MAPPER.writeValueAsString(Json.withholdEscapedSecrets(tree, redactor)));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("journal record cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) channel.write(buf);
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the journal: " + e.getMessage(), e);
    }
    written++;
    if (written == killAfter) Runtime.getRuntime().halt(137);
    try {
      listener.recorded(record);
    } catch (RuntimeException e) {
      // A broken progress display must not break the run; the record is on disk.
    }
  }

  @Override
  public synchronized void close() {
    try { channel.close(); } catch (IOException ignored) { /* every record was already forced */ }
  }

  private static long killAfterSetting() {
    String v = System.getProperty("runbook.test.killAfterRecord", System.getenv("RUNBOOK_TEST_KILL_AFTER_RECORD"));
    if (v == null || v.isBlank()) return -1;
    try { return Long.parseLong(v.trim()); } catch (NumberFormatException e) { return -1; }
  }
}
