package io.runbook.engine.model;

/** A precondition checked right before its step: {@code that} is an expression, {@code because} the message when false. */
public record Require(String that, String because, SourcePos pos) {}
