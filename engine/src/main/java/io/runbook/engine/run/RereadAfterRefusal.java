package io.runbook.engine.run;

import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.spi.Effect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which finished steps a resume reads again after a precondition refusal. The refusal tells the operator to fix the
 * estate and resume; a resume that restored the recorded outputs of the steps the precondition reads would refuse
 * again however the estate was fixed. So the READS steps that succeeded since the run last changed anything (no
 * CHANGES or DESTROYS step started, no step skipped, no operator decision in between) run again: nothing that acts
 * has used their old outputs, and reading again changes nothing. A step from before the last change keeps its
 * recorded outputs, since what ran after it was decided on them.
 */
final class RereadAfterRefusal {
  private static final Set<String> RUN_LEVEL =
      Set.of(JournalRecord.RUN_STARTED, JournalRecord.RUN_FINISHED, JournalRecord.RUN_RESUMED);

  private RereadAfterRefusal() {}

  /** The paths to read again, in journal order, or none when the run did not stop at a precondition refusal. */
  static List<String> paths(List<JournalRecord> records) {
    List<String> tail = new ArrayList<>();
    Map<String, Boolean> startedReads = new HashMap<>();
    boolean refused = false;
    for (JournalRecord r : records) {
      String type = r.type();
      // the run's start, end and resumption: it goes on where it was
      if (RUN_LEVEL.contains(type)) continue;
      refused = JournalRecord.STEP_FAILED.equals(type) && "precondition".equals(r.text("kind"));
      switch (type) {
        case JournalRecord.STEP_STARTED -> {
          boolean reads = Effect.READS.name().equals(r.text("effect"));
          startedReads.put(r.step(), reads);
          if (!reads) tail.clear();
        }
        case JournalRecord.STEP_SUCCEEDED -> {
          if (Boolean.TRUE.equals(startedReads.get(r.step()))) tail.add(r.step());
          else tail.clear();
        }
        default -> { if (!refused) tail.clear(); } // another failure, a skip, a decision, an approval gate, an interruption
      }
    }
    return refused ? tail : List.of();
  }
}
