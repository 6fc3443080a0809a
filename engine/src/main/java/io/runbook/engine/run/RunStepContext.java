package io.runbook.engine.run;

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

/** The {@link StepContext} the executor gives one execution of one step. */
final class RunStepContext implements StepContext {
  private final RunSession session;
  private final String path;
  private final Optional<String> host;
  private final Instant deadline;
  private final boolean approved;
  private final StepLog log;

  RunStepContext(RunSession session, String path, Optional<String> host, Instant deadline, boolean approved) {
    this.session = session;
    this.path = path;
    this.host = host;
    this.deadline = deadline;
    this.approved = approved;
    this.log = session.log().forStep(path);
  }

  @Override public String runId() { return session.runId(); }
  @Override public Instant runStartedAt() { return session.startedAt(); }
  @Override public String stepId() { return path; }
  @Override public Mode mode() { return Mode.RUN; }
  @Override public Inventory inventory() { return session.inventory(); }
  @Override public Optional<Host> target() { return host.flatMap(session.inventory()::host); }

  @Override
  public Host host(String name) throws StepFailure {
    Inventory inv = session.inventory();
    return inv.host(name).orElseThrow(() -> StepFailure.fatal("step " + path + ": no host '" + name
        + "' in inventory " + inv.inventory() + "; known hosts: " + String.join(", ", inv.hosts().keySet())));
  }

  @Override
  public String secret(SecretRef ref) throws StepFailure {
    try {
      return session.secrets().resolve(ref);
    } catch (IllegalStateException e) {
      throw StepFailure.fatal("step " + path + ": " + e.getMessage(), "set the variable or file, then resume the run");
    }
  }

  @Override public boolean holdsSecret(String text) { return session.redactor().holdsSecret(text); }

  @Override public StepLog log() { return log; }

  @Override
  public <T extends AutoCloseable> T shared(String key, Supplier<T> open) { return session.shared().get(key, open); }

  @Override public Path runDir() { return session.runDir(); }
  @Override public boolean confirmed() { return session.confirmed(); }
  @Override public Optional<Instant> deadline() { return Optional.ofNullable(deadline); }
  @Override public Optional<String> ask(String prompt) { return session.operator().ask(prompt); }
  @Override public boolean approved() { return approved; }
}
