package io.runbook.engine.model;

/**
 * One entry of a runbook's {@code outputs:} section: what a caller sees as {@code steps.<call>.<name>}. {@code expr}
 * is a template (or a literal) over the runbook's own params and steps, evaluated after its last step.
 */
public record OutputDecl(String name, String expr, SourcePos pos) {}
