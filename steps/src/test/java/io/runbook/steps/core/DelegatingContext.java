package io.runbook.steps.core;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** A context that forwards everything to another; tests override what they need (an operator's answer). */
class DelegatingContext implements StepContext {
  private final StepContext d;

  DelegatingContext(StepContext d) { this.d = d; }

  public String runId() { return d.runId(); }
  public Instant runStartedAt() { return d.runStartedAt(); }
  public String stepId() { return d.stepId(); }
  public Mode mode() { return d.mode(); }
  public Inventory inventory() { return d.inventory(); }
  public Optional<Host> target() { return d.target(); }
  public Host host(String name) throws StepFailure { return d.host(name); }
  public String secret(SecretRef ref) throws StepFailure { return d.secret(ref); }
  public StepLog log() { return d.log(); }
  public <T extends AutoCloseable> T shared(String key, Supplier<T> open) { return d.shared(key, open); }
  public Path runDir() { return d.runDir(); }
  public boolean confirmed() { return d.confirmed(); }
  public Optional<Instant> deadline() { return d.deadline(); }
}
