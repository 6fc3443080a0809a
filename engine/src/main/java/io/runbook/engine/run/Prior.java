package io.runbook.engine.run;

/** What an earlier attempt of this run did with a step (resume); {@link #NONE} for a fresh run. */
public record Prior(Kind kind, Object outputs) {
  public enum Kind {
    /** Not done: run it normally. */
    NONE,
    /** Done earlier: {@code outputs} holds its restored outputs as plain values. */
    DONE,
    /** Skipped earlier: skip it again. */
    SKIPPED,
    /** Started and never ended: reconcile before anything else. */
    IN_DOUBT
  }

  public static final Prior NONE = new Prior(Kind.NONE, null);
  public static final Prior SKIPPED = new Prior(Kind.SKIPPED, null);
  public static final Prior IN_DOUBT = new Prior(Kind.IN_DOUBT, null);

  public static Prior done(Object outputs) { return new Prior(Kind.DONE, outputs); }
}
