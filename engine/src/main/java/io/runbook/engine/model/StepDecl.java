package io.runbook.engine.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step as written. A step is either a typed step ({@code use}) or a group ({@code steps}); either may
 * carry {@code foreach}. Strings anywhere in {@code with}, and {@code on}, {@code when}, {@code foreach},
 * may hold {@code ${{ expr }}} templates; they are evaluated by the engine right before the step runs.
 * {@code positions} maps each written key (and {@code with.<key>} for inputs) to where it was written.
 */
public record StepDecl(
    String id,
    Optional<String> use,
    Map<String, Object> with,
    Optional<String> on,
    Optional<String> when,
    List<Require> require,
    RetrySpec retry,
    Optional<Duration> timeout,
    Optional<String> foreach,
    Optional<String> as,
    boolean parallel,
    int maxParallel,
    List<StepDecl> steps,
    boolean confirm,
    SourcePos pos,
    Map<String, SourcePos> positions) {

  public boolean isGroup() { return use.isEmpty(); }

  public SourcePos posOf(String key) { return positions.getOrDefault(key, pos); }
}
