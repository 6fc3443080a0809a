package io.runbook.engine.model;

import java.util.List;
import java.util.Optional;

/**
 * A declared runbook parameter. {@code type} is the written type: string, int, bool, duration, timestamp,
 * enum, host, list&lt;T&gt; (T one of the others).
 */
public record ParamDecl(
    String name,
    String type,
    boolean required,
    Optional<Object> defaultValue,
    Optional<String> pattern,
    Optional<String> description,
    boolean secret,
    List<String> values,
    SourcePos pos) {}
