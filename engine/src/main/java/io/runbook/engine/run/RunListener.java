package io.runbook.engine.run;

import io.runbook.engine.journal.JournalRecord;

/**
 * Watches a run as it happens, for live progress on a console: every journal record (already redacted, after it
 * is on disk) and every line of a step's output (redacted). Called from step threads: implementations synchronize.
 */
public interface RunListener {
  /** A record was written to the journal. */
  default void recorded(JournalRecord record) {}

  /** A step wrote a line of output. */
  default void output(String path, String line) {}

  RunListener NONE = new RunListener() {};
}
