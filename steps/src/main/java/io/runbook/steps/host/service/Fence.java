package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.HostCommands;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import java.util.Optional;

/**
 * The boot fence: a MariaDB option-file drop-in that makes the server start with {@code read_only=ON} and without
 * starting replication ({@code skip_slave_start}). Set before the start, it holds from the server's first moment, so
 * no client write and no replication configuration carried by a restored datadir gets in before the runbook has
 * checked the data. It lives on disk until removed: a server restarted in between (a crash, a reboot) comes back
 * fenced again, which is the safe side.
 */
final class Fence {
  /** What the drop-in holds; {@code [mariadbd]} is read by mariadbd only, not by client tools. */
  static final String CONTENT = "# Written by runbook (db.service.start fenced: true): the server boots read-only and does not\n"
      + "# start replication until the runbook opens it (db.service.unfence removes this file).\n"
      + "[mariadbd]\nread_only=ON\nskip_slave_start\n";

  private final String host;
  private final String file;
  private final boolean sudo;

  private Fence(String host, String file, boolean sudo) {
    this.host = host;
    this.file = file;
    this.sudo = sudo;
  }

  /** The fence of a host: its {@code service.fenceFile}, else its service kind's default; none is a clear failure. */
  static Fence of(Host host, ServiceController service, StepContext ctx, boolean sudo) throws StepFailure {
    return find(host, service, ctx, sudo).orElseThrow(() ->
        StepFailure.fatal("host " + host.name() + ": a fenced start needs service.fenceFile in the inventory (service kind "
                + host.service().map(s -> s.kind()).orElse("?") + " has no default)",
            "set fenceFile to a .cnf path in a folder the server reads at start, e.g. for compose a host folder mounted at "
                + "/etc/mysql/conf.d (volumes: [./conf.d:/etc/mysql/conf.d:ro]) and fenceFile: /opt/mariadb/conf.d/99-runbook-fence.cnf"));
  }

  /** The fence of a host, or empty when it has none (no {@code service.fenceFile} and no default for its kind). */
  static Optional<Fence> find(Host host, ServiceController service, StepContext ctx, boolean sudo) throws StepFailure {
    Optional<String> file = host.service().flatMap(s -> s.fenceFile()).or(() -> service.defaultFenceFile(ctx));
    if (file.isEmpty()) return Optional.empty();
    if (!file.get().startsWith("/") || !file.get().endsWith(".cnf")) {
      throw StepFailure.fatal("host " + host.name() + ": service.fenceFile '" + file.get() + "' must be an absolute path ending in .cnf",
          "MariaDB's !includedir reads only files ending in .cnf; give the full path on the host");
    }
    return Optional.of(new Fence(host.name(), file.get(), sudo));
  }

  String file() { return file; }

  Plan planWrite() {
    return Plan.file(host, "write " + file + " ([mariadbd] read_only=ON, skip_slave_start: the boot fence; "
        + "it stays until db.service.unfence, so a restart in between boots fenced again)");
  }

  Plan planRemove() { return Plan.file(host, "remove " + file + " (the boot fence; the server's runtime read_only is not changed)"); }

  /** Writes the drop-in whole (temp file, then rename), readable by the server's user. */
  void write(HostTransport t, StepContext ctx) throws StepFailure, InterruptedException {
    HostCommands.check(t, HostCommand.script("d=$(dirname -- \"$2\"); [ -d \"$d\" ] || { echo \"the folder $d does not exist\" >&2; "
        + "exit 3; }; umask 022 && printf '%s' \"$1\" > \"$2.runbook-tmp\" && mv -f -- \"$2.runbook-tmp\" \"$2\"", CONTENT, file)
        .withSudo(sudo), ctx);
  }

  /** Removes the drop-in; returns whether it was there. */
  boolean remove(HostTransport t, StepContext ctx) throws StepFailure, InterruptedException {
    boolean present = present(t, ctx);
    if (present) HostCommands.check(t, HostCommand.of("rm", "-f", "--", file).withSudo(sudo), ctx);
    return present;
  }

  boolean present(HostTransport t, StepContext ctx) throws StepFailure, InterruptedException {
    return HostCommands.run(t, HostCommand.of("test", "-e", file).withSudo(sudo), ctx).exitCode() == 0;
  }
}
