package io.runbook.engine.model;

/**
 * A precondition checked right before its step: {@code that} is an expression, {@code because} the message when
 * false, a text that may hold {@code ${{ }}} templates (filled in when it is shown). {@code pos} is where
 * {@code that} is written, {@code becausePos} where {@code because} is.
 */
public record Require(String that, String because, SourcePos pos, SourcePos becausePos) {}
