package io.runbook.engine.spi;

/** After a crash in the middle of a step: did its effect happen? DONE carries the outputs to restore. */
public record Reconciled<O>(Status status, O outputs, String detail) {
  public enum Status { DONE, NOT_DONE, UNKNOWN }

  public static <O> Reconciled<O> done(O outputs) { return new Reconciled<>(Status.DONE, outputs, null); }
  public static <O> Reconciled<O> notDone() { return new Reconciled<>(Status.NOT_DONE, null, null); }
  public static <O> Reconciled<O> unknown() { return new Reconciled<>(Status.UNKNOWN, null, null); }
  public static <O> Reconciled<O> unknown(String detail) { return new Reconciled<>(Status.UNKNOWN, null, detail); }
}
