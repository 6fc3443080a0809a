package io.runbook.engine.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded runbook: its declarations, its steps in order, and the sha256 of its source (resume refuses a changed
 * file). {@code outputs} is what a caller of this runbook sees; {@code callees} holds, by step id, the runbooks its
 * {@code use: runbook} steps call (loaded with it), and then {@code sha256} also covers them: a changed callee is a
 * changed runbook. {@code verify} holds the checks {@code runbook drill} runs after the steps.
 */
public record Runbook(
    String name,
    Optional<String> summary,
    Optional<String> description,
    Map<String, ParamDecl> params,
    List<StepDecl> steps,
    Path source,
    String sha256,
    Map<String, OutputDecl> outputs,
    Map<String, Runbook> callees,
    List<VerifyCheck> verify) {

  /** A runbook without a {@code verify:} section. */
  public Runbook(String name, Optional<String> summary, Optional<String> description, Map<String, ParamDecl> params,
                 List<StepDecl> steps, Path source, String sha256, Map<String, OutputDecl> outputs,
                 Map<String, Runbook> callees) {
    this(name, summary, description, params, steps, source, sha256, outputs, callees, List.of());
  }

  /** A runbook without outputs and calls. */
  public Runbook(String name, Optional<String> summary, Optional<String> description, Map<String, ParamDecl> params,
                 List<StepDecl> steps, Path source, String sha256) {
    this(name, summary, description, params, steps, source, sha256, Map.of(), Map.of());
  }

  /** The step type name of a step that runs another runbook as a nested group. */
  public static final String CALL = "runbook";

  /** Whether the step runs another runbook ({@code use: runbook}). */
  public static boolean isCall(StepDecl step) { return step.use().map(CALL::equals).orElse(false); }
}
