package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.runbook.engine.secret.SecretRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandaloneStepContextTest {
  /** A name no process environment has, so only the builder's env can answer it. */
  private static final String VAR = "RUNBOOK_STANDALONE_ONLY_IN_BUILDER_ENV";

  @Test
  void aContextForAnotherStepReadsEnvSecretsFromTheBuildersEnv() throws Exception {
    assertFalse(System.getenv().containsKey(VAR));
    try (StandaloneStepContext first = StandaloneStepContext.builder().env(Map.of(VAR, "from-builder")).build()) {
      StandaloneStepContext second = first.forStep("next", null);
      assertEquals("next", second.stepId());
      assertEquals("from-builder", second.secret(SecretRef.parse("env:" + VAR)));
      assertSame(first.redactor(), second.redactor(), "one redactor per run");
      assertEquals("a *** b", first.redactor().redact("a from-builder b"), "the value is masked in the whole run");
    }
  }
}
