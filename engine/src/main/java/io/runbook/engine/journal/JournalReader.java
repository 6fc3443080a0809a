package io.runbook.engine.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a journal back. Every record ends with a newline, so a last line without one was torn by a crash in
 * the middle of its write: it is dropped and reported, never taken as a record.
 */
public final class JournalReader {
  /** The records; when the last line was torn, a sentence saying so and the length of the intact part. */
  public record Contents(List<JournalRecord> records, Optional<String> tornTail, long intactBytes) {}

  private JournalReader() {}

  public static Contents read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int intact = all.length;
    while (intact > 0 && all[intact - 1] != '\n') intact--;
    Optional<String> torn = intact == all.length ? Optional.empty()
        : Optional.of("the journal's last line (" + (all.length - intact) + " bytes) was cut off by a crash while it"
            + " was written; it is ignored");
    String text = new String(all, 0, intact, StandardCharsets.UTF_8);
    List<JournalRecord> records = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isBlank()) continue;
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(line);
      } catch (IOException e) {
        throw new IOException(file + " line " + lineNo + " is not a journal record; the journal is damaged");
      }
      if (!(node instanceof ObjectNode o) || !o.hasNonNull("type")) {
        throw new IOException(file + " line " + lineNo + " is not a journal record; the journal is damaged");
      }
      records.add(new JournalRecord(o));
    }
    return new Contents(records, torn, intact);
  }

  /** Cuts a torn last line off so that the next record starts on a line of its own. */
  public static void dropTornTail(Path file, Contents contents) throws IOException {
    if (contents.tornTail().isEmpty()) return;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(contents.intactBytes());
      ch.force(true);
    }
  }
}
