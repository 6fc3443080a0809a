package io.runbook.engine.run;

import io.runbook.engine.model.StepDecl;
import io.runbook.engine.spi.StepType;
import java.util.Optional;

/** One typed step ready to be planned or run: its path, declaration, type, bound input and target host. */
public record BoundStep(String path, StepDecl decl, StepType<Object, Object> type, Object input, Optional<String> host) {}
