package io.runbook.cli;

import io.runbook.engine.model.Problem;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command prints: text for people, or with {@code --output json} one JSON object a line for machines
 * (docs/json-output.md). Results go to stdout; errors, problems, warnings and notes to stderr, in either form.
 * The JSON is written here by hand so that light commands (validate, plan --offline) do not load Jackson.
 */
final class Console {
  /** JSON text that is written as it is (already serialised, e.g. a plan or a journal record). */
  record RawJson(String json) {}

  private final boolean json;
  private final PrintWriter out;
  private final PrintWriter err;

  Console(boolean json, PrintWriter out, PrintWriter err) {
    this.json = json;
    this.out = out;
    this.err = err;
  }

  /** The console of the command {@code spec} belongs to, in the form the global {@code --output} asks for. */
  static Console of(CommandSpec spec) {
    Object root = spec.root().userObject();
    boolean json = root instanceof Main m && m.output == Main.Output.json;
    return new Console(json, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  boolean json() { return json; }

  /** A result on stdout: {@code text} as it is for people (include the line breaks), or the event as one JSON line. */
  void result(String type, Map<String, ?> fields, String text) {
    if (json) out.println(event(type, fields));
    else out.print(text);
    out.flush();
  }

  /** A line that is JSON already (a journal record): printed in JSON form only. */
  void raw(String jsonLine) {
    if (!json) return;
    out.println(jsonLine);
    out.flush();
  }

  /** Text for people only (headings, blank lines): nothing in JSON form. */
  void text(String text) {
    if (json) return;
    out.print(text);
    out.flush();
  }

  /** An error on stderr: "runbook: MESSAGE" and "next: HINT", or {"type":"error","message":...,"hint":...}. */
  void error(String message, String hint) {
    if (json) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("message", message);
      if (hint != null) f.put("hint", hint);
      err.println(event("error", f));
    } else {
      err.println("runbook: " + message);
      if (hint != null) err.println("next: " + hint);
    }
    err.flush();
  }

  /** The last word of a command that stopped after reporting problems, e.g. "nothing was run". */
  void stopped(String message) {
    if (json) err.println(event("error", fields("message", message)));
    else err.println(message);
    err.flush();
  }

  /** A problem in a file at a position, on stderr: "file:line:col: message" or a {"type":"problem"} line. */
  void problem(Problem p) {
    if (json) err.println(problemEvent(p));
    else err.println(p.pos() + ": " + p.message());
    err.flush();
  }

  static String problemEvent(Problem p) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("file", p.pos().file());
    f.put("line", p.pos().line());
    f.put("col", p.pos().col());
    f.put("message", p.message());
    return event("problem", f);
  }

  /** A warning on stderr: "warning: ..." or {"type":"warning","message":...}. */
  void warning(String message) {
    if (json) err.println(event("warning", fields("message", message)));
    else err.println("warning: " + message);
    err.flush();
  }

  /** Something worth knowing on stderr, e.g. where a file was written: the line, or {"type":"note","text":...}. */
  void note(String text) {
    if (json) err.println(event("note", fields("text", text)));
    else err.println(text);
    err.flush();
  }

  /** What to print notes on for code that writes lines: each line becomes a {@link #note} in JSON form. */
  PrintWriter notes() {
    return json ? eachLine(this::note) : err;
  }

  /**
   * For code that narrates on stdout line by line (progress of a long command): the console's stdout, or in JSON
   * form a writer that turns each non-empty line into a {@code {"type":TYPE,"text":LINE}} result.
   */
  PrintWriter lines(String type) {
    return json ? eachLine(l -> { if (!l.isBlank()) result(type, fields("text", l), ""); }) : out;
  }

  private static PrintWriter eachLine(java.util.function.Consumer<String> sink) {
    return new PrintWriter(new java.io.Writer() {
      private final StringBuilder line = new StringBuilder();
      @Override public synchronized void write(char[] c, int off, int len) {
        for (int i = off; i < off + len; i++) {
          if (c[i] == '\n') {
            sink.accept(line.toString());
            line.setLength(0);
          } else if (c[i] != '\r') {
            line.append(c[i]);
          }
        }
      }
      @Override public void flush() { }
      @Override public void close() { }
    }, true);
  }

  /** Fields in the order given: name, value, name, value... (values may be null). */
  static Map<String, Object> fields(Object... namesAndValues) {
    Map<String, Object> f = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) f.put((String) namesAndValues[i], namesAndValues[i + 1]);
    return f;
  }

  /** One JSON object: {"type":TYPE, then the fields in their order}. */
  static String event(String type, Map<String, ?> fields) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("type", type);
    all.putAll(fields);
    StringBuilder b = new StringBuilder();
    write(b, all);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof RawJson r) {
      b.append(r.json());
    } else if (v instanceof Boolean || v instanceof Number) {
      b.append(v);
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (var e : m.entrySet()) {
        if (!first) b.append(',');
        first = false;
        b.append(string(String.valueOf(e.getKey()))).append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) b.append(',');
        write(b, l.get(i));
      }
      b.append(']');
    } else {
      b.append(string(String.valueOf(v)));
    }
  }

  /** A JSON string literal: quotes, backslashes and control characters escaped. */
  static String string(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
