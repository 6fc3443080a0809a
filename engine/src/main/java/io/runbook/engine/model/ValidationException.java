package io.runbook.engine.model;

import java.util.List;
import java.util.stream.Collectors;

/** A runbook, inventory or parameter set is invalid; carries every problem found (exit code 2, nothing ran). */
public class ValidationException extends Exception {
  private final List<Problem> problems;

  public ValidationException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public ValidationException(Problem problem) { this(List.of(problem)); }

  public List<Problem> problems() { return problems; }
}
