package io.runbook.cli.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.Json;
import java.io.PrintStream;
import java.time.Clock;

/**
 * {@code --output json}: one JSON object a line, for machines. The journal records as they are written (their
 * {@code type} says what happened), {@code {"type":"output"}} for a step's output lines, {@code {"type":"message"}}
 * for what the run says, and {@code {"type":"summary"}} at the end. Everything is redacted, as in the journal.
 */
public final class JsonView extends ConsoleView {
  private final PrintStream console;

  public JsonView(PrintStream out, Clock clock) {
    super(out, clock);
    this.console = LineStream.of(line -> emit(event("message").put("text", line)));
  }

  @Override public PrintStream console() { return console; }

  @Override
  public void recorded(JournalRecord r) {
    super.recorded(r);
    emit(r.json());
  }

  @Override
  public void output(String path, String line) {
    super.output(path, line);
    emit(event("output").put("step", path).put("line", line));
  }

  @Override
  public void finish() {
    ObjectNode s = event("summary");
    ArrayNode steps = s.putArray("steps");
    for (StepTimeline.Entry e : timeline.entries()) {
      steps.addObject().put("step", e.path()).put("status", e.status().name().toLowerCase())
          .put("ms", e.elapsed(clock.instant()).toMillis());
    }
    emit(s);
  }

  private ObjectNode event(String type) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("type", type);
    n.put("at", clock.instant().toString());
    return n;
  }

  private void emit(ObjectNode n) {
    try {
      String line = Json.MAPPER.writeValueAsString(n);
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
