package io.runbook.engine.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A loaded runbook: its declarations, its steps in order, and the sha256 of its source (resume refuses a changed file). */
public record Runbook(
    String name,
    Optional<String> summary,
    Optional<String> description,
    Map<String, ParamDecl> params,
    List<StepDecl> steps,
    Path source,
    String sha256) {}
