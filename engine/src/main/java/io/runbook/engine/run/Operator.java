package io.runbook.engine.run;

import java.io.Console;
import java.util.Optional;

/** The person at the terminal, if there is one: asked to confirm destructive steps and to pass approval gates. */
public interface Operator {
  boolean interactive();

  /** Shows the prompt and returns the line typed; empty when there is no terminal. */
  Optional<String> ask(String prompt);

  /** No terminal: nobody can be asked (CI, cron, a pipe). */
  Operator NONE = new Operator() {
    public boolean interactive() { return false; }
    public Optional<String> ask(String prompt) { return Optional.empty(); }
  };

  /** {@code operator}, with every prompt redacted: a gate's word or message may be built from a secret. */
  static Operator redacting(Operator operator, io.runbook.engine.secret.Redactor redactor) {
    return new Operator() {
      public boolean interactive() { return operator.interactive(); }
      public Optional<String> ask(String prompt) { return operator.ask(redactor.redact(prompt)); }
    };
  }

  /** The process's terminal ({@link System#console()}), or {@link #NONE} when it has none. */
  static Operator console() {
    Console c = System.console();
    if (c == null) return NONE;
    return new Operator() {
      public boolean interactive() { return true; }
      public synchronized Optional<String> ask(String prompt) {
        String line = c.readLine("%s", prompt);
        return Optional.ofNullable(line).map(String::trim);
      }
    };
  }
}
