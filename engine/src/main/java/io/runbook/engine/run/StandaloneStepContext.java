package io.runbook.engine.run;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.secret.Redactor;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.secret.SecretResolver;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link StepContext} that needs no executor: for running one step type directly (step tests, tools).
 * Close it to close the shared clients.
 */
public final class StandaloneStepContext implements StepContext, AutoCloseable {
  private final String runId;
  private final Instant startedAt;
  private final String stepId;
  private final Mode mode;
  private final Inventory inventory;
  private final String target;
  private final Path runDir;
  private final boolean confirmed;
  private final Instant deadline;
  private final StepLog log;
  private final SecretResolver secrets;
  private final SharedResources shared;

  private StandaloneStepContext(Builder b) {
    this.runId = b.runId;
    this.startedAt = b.startedAt;
    this.stepId = b.stepId;
    this.mode = b.mode;
    this.inventory = b.inventory;
    this.target = b.target;
    this.runDir = b.runDir;
    this.confirmed = b.confirmed;
    this.deadline = b.deadline;
    this.log = b.log;
    this.secrets = b.secrets != null ? b.secrets : new SecretResolver(b.redactor, b.env);
    this.shared = b.shared;
  }

  public static Builder builder() { return new Builder(); }

  /** The same context for another step (same run, shared clients and secrets), acting on another host. */
  public StandaloneStepContext forStep(String newStepId, String newTarget) {
    Builder b = new Builder();
    b.runId = runId; b.startedAt = startedAt; b.stepId = newStepId; b.mode = mode; b.inventory = inventory;
    b.target = newTarget; b.runDir = runDir; b.confirmed = confirmed; b.deadline = deadline; b.log = log;
    b.secrets = secrets; b.shared = shared;
    return new StandaloneStepContext(b);
  }

  public Redactor redactor() { return secrets.redactor(); }

  @Override public String runId() { return runId; }
  @Override public Instant runStartedAt() { return startedAt; }
  @Override public String stepId() { return stepId; }
  @Override public Mode mode() { return mode; }
  @Override public Inventory inventory() { return inventory; }

  @Override
  public Optional<Host> target() { return target == null ? Optional.empty() : inventory.host(target); }

  @Override
  public Host host(String name) throws StepFailure {
    return inventory.host(name).orElseThrow(() -> StepFailure.fatal(
        "step " + stepId + ": no host '" + name + "' in inventory " + inventory.inventory()
            + "; known hosts: " + String.join(", ", inventory.hosts().keySet())));
  }

  @Override
  public String secret(SecretRef ref) throws StepFailure {
    try {
      return secrets.resolve(ref);
    } catch (IllegalStateException e) {
      throw StepFailure.fatal("step " + stepId + ": " + e.getMessage());
    }
  }

  @Override public boolean holdsSecret(String text) { return secrets.redactor().holdsSecret(text); }

  @Override public StepLog log() { return log; }

  @Override
  public <T extends AutoCloseable> T shared(String key, Supplier<T> open) { return shared.get(key, open); }

  @Override public Path runDir() { return runDir; }
  @Override public boolean confirmed() { return confirmed; }
  @Override public Optional<Instant> deadline() { return Optional.ofNullable(deadline); }

  @Override
  public void close() { shared.close(); }

  /** Builds a standalone context; everything has a usable default. */
  public static final class Builder {
    private String runId = "standalone";
    private Instant startedAt = Instant.now();
    private String stepId = "step";
    private Mode mode = Mode.RUN;
    private Inventory inventory = Inventory.EMPTY;
    private String target;
    private Path runDir = Path.of(System.getProperty("java.io.tmpdir"));
    private boolean confirmed = true;
    private Instant deadline;
    private StepLog log = StepLog.NONE;
    private Redactor redactor = new Redactor();
    private Map<String, String> env = System.getenv();
    private SharedResources shared = new SharedResources();
    private SecretResolver secrets; // set by forStep only: the derived context resolves as its origin does

    public Builder runId(String v) { runId = v; return this; }
    public Builder startedAt(Instant v) { startedAt = v; return this; }
    public Builder stepId(String v) { stepId = v; return this; }
    public Builder mode(Mode v) { mode = v; return this; }
    public Builder inventory(Inventory v) { inventory = v; return this; }
    public Builder target(String hostName) { target = hostName; return this; }
    public Builder runDir(Path v) { runDir = v; return this; }
    public Builder confirmed(boolean v) { confirmed = v; return this; }
    public Builder deadline(Instant v) { deadline = v; return this; }
    public Builder log(StepLog v) { log = v; return this; }
    public Builder redactor(Redactor v) { redactor = v; return this; }
    /** The environment that {@code env:} secret references read; default: the process environment. */
    public Builder env(Map<String, String> v) { env = v; return this; }
    /** The clients shared with other contexts of the same run (a planner gives each step its own context). */
    public Builder shared(SharedResources v) { shared = v; return this; }
    public StandaloneStepContext build() { return new StandaloneStepContext(this); }
  }
}
