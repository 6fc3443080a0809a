package io.runbook.steps.host.transport;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Gives steps the transport of an inventory host: one per host and run, shared through {@link StepContext#shared}. */
public final class Transports {
  /** How long to wait for a TCP connection and the SSH handshake. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  private Transports() {}

  /** The step's target host's transport, connected. */
  public static HostTransport forTarget(StepContext ctx) throws StepFailure {
    return forHost(ctx, ctx.requireTarget());
  }

  /** The named host's transport, connected (an SSH session that dropped is reopened). */
  public static HostTransport forHost(StepContext ctx, Host host) throws StepFailure {
    TransportSpec spec = host.transport();
    if (spec == null || spec.isLocal()) {
      return ctx.<HostTransport>shared("host-transport:" + host.name(), () -> new LocalTransport(host.name()));
    }
    if (!"ssh".equals(spec.kind())) {
      throw StepFailure.fatal("host " + host.name() + ": unknown transport kind '" + spec.kind() + "'",
          "use `kind: ssh` or `kind: local` in the inventory");
    }
    SshTarget target = sshTarget(ctx, host, spec);
    SshTransport ssh = ctx.shared("host-transport:" + host.name(), () -> new SshTransport(target));
    ssh.connect(ctx.log());
    return ssh;
  }

  /** The engine's own machine, for copies to and from a local folder. */
  public static HostTransport engineMachine(StepContext ctx) {
    return ctx.<HostTransport>shared("host-transport:(engine)", () -> new LocalTransport("this machine"));
  }

  private static SshTarget sshTarget(StepContext ctx, Host host, TransportSpec spec) throws StepFailure {
    String address = spec.address().orElseThrow(() -> StepFailure.fatal(
        "host " + host.name() + ": ssh transport without an address", "add transport.address to the inventory"));
    String user = spec.user().orElse(System.getProperty("user.name"));
    Optional<String> passphrase = spec.passphrase().isPresent()
        ? Optional.of(ctx.secret(spec.passphrase().get())) : Optional.empty();
    return new SshTarget(host.name(), address, spec.port().orElse(22), user,
        spec.key().map(Transports::expandHome), passphrase,
        Optional.ofNullable(System.getenv("SSH_AUTH_SOCK")).filter(v -> !v.isBlank()).map(Path::of),
        expandHome(spec.knownHosts().orElse("~/.ssh/known_hosts")), spec.strictHostKeys().orElse(true), CONNECT_TIMEOUT);
  }

  static Path expandHome(String path) {
    return Path.of(path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path);
  }
}
