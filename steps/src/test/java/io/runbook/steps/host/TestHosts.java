package io.runbook.steps.host;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepLog;
import io.runbook.testkit.sshd.Sshd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Inventories and contexts for host step tests: an ssh host pointing at the test sshd, or a local host. */
public final class TestHosts {
  private TestHosts() {}

  public static TransportSpec ssh(Sshd sshd) { return ssh(sshd, sshd.user()); }

  /** Logging in as another account (e.g. a non-root {@link io.runbook.testkit.sshd.OsUser}) with the same key. */
  public static TransportSpec ssh(Sshd sshd, String user) {
    return new TransportSpec("ssh", Optional.of(sshd.host()), Optional.of(sshd.port()), Optional.of(user),
        Optional.of(sshd.clientKey().toString()), Optional.empty(), Optional.of(sshd.knownHosts().toString()), Optional.empty());
  }

  public static TransportSpec local() {
    return new TransportSpec("local", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static Host host(String name, TransportSpec transport) {
    return host(name, transport, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static Host host(String name, TransportSpec transport, Optional<DiskSpec> dataDisk, Optional<DbSpec> db,
                          Optional<ServiceSpec> service) {
    return new Host(name, Optional.of("primary"), Optional.empty(), Optional.empty(), transport, dataDisk,
        Optional.empty(), db, service);
  }

  public static Inventory inventory(Host... hosts) {
    Map<String, Host> all = new LinkedHashMap<>();
    for (Host h : hosts) all.put(h.name(), h);
    return new Inventory("test", null, all);
  }

  /** A context whose target host "db1" is reached over {@code kind} ("ssh" via the test sshd, or "local"). */
  public static StandaloneStepContext context(String kind, Sshd sshd, StepLog log) {
    Host h = host("db1", "ssh".equals(kind) ? ssh(sshd) : local());
    return context(inventory(h), "db1", log, Path.of("target"));
  }

  public static StandaloneStepContext context(Inventory inventory, String target, StepLog log, Path runDir) {
    return StandaloneStepContext.builder().inventory(inventory).target(target).log(log).runDir(runDir).build();
  }

  /** A step log that keeps everything, for assertions. */
  public static final class RecordingLog implements StepLog {
    public final List<String> info = new ArrayList<>();
    public final List<String> warn = new ArrayList<>();
    public final List<String> output = new ArrayList<>();
    public final List<String> progress = new ArrayList<>();

    @Override public synchronized void info(String m) { info.add(m); }
    @Override public synchronized void warn(String m) { warn.add(m); }
    @Override public synchronized void output(String l) { output.add(l); }
    @Override public synchronized void progress(String m) { progress.add(m); }
  }
}
