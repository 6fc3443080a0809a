package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.HostCommands;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The database as a docker compose service. Stopping first sets the container's restart policy to {@code no}
 * (else docker brings it back, e.g. after a reboot, onto whatever disk is then mounted) and saves the old policy
 * in the project folder; starting restores the saved policy, then starts the service.
 */
public final class ComposeService implements ServiceController {
  static final String SAVED_POLICY_PREFIX = ".runbook-restart-policy-";
  private final String project;
  private final String service;
  private final Optional<String> container;
  private final boolean sudo;

  ComposeService(String project, String service, Optional<String> container, boolean sudo) {
    this.project = project;
    this.service = service;
    this.container = container;
    this.sudo = sudo;
  }

  /** Registers kind {@code compose}. */
  public static final class Kind implements ServiceKind {
    @Override public String kind() { return "compose"; }

    @Override
    public ServiceController controller(Host host, ServiceSpec spec, boolean sudo) throws StepFailure {
      String project = spec.project().orElseThrow(() -> StepFailure.fatal(
          "host " + host.name() + ": service kind compose needs project: (the compose project folder)", "add e.g. project: /opt/db"));
      String service = spec.service().orElseThrow(() -> StepFailure.fatal(
          "host " + host.name() + ": service kind compose needs service: (the compose service name)", "add e.g. service: db"));
      return new ComposeService(project, service, spec.container(), sudo);
    }
  }

  private HostCommand compose(String... args) {
    List<String> argv = new ArrayList<>(List.of("docker", "compose", "--project-directory", project));
    argv.addAll(List.of(args));
    return HostCommand.of(argv).withSudo(sudo);
  }

  private HostCommand docker(String... args) {
    List<String> argv = new ArrayList<>(List.of("docker"));
    argv.addAll(List.of(args));
    return HostCommand.of(argv).withSudo(sudo);
  }

  private String savedPolicyFile() { return project + "/" + SAVED_POLICY_PREFIX + service; }

  private HostCommand inspectPolicy(String c) {
    return docker("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}", c);
  }

  private String containerShown() { return container.orElse("<container of " + service + ">"); }

  @Override
  public Plan planStart(String host) {
    Plan p = container.isPresent() ? Plan.none() : Plan.command(host, compose("ps", "-a", "-q", service).commandLine());
    return p.then(Plan.Kind.COMMAND, host, docker("update", "--restart=<policy saved in " + savedPolicyFile() + ">",
            containerShown()).commandLine() + "   (only when a policy was saved by db.service.stop)")
        .then(Plan.Kind.COMMAND, host, compose("start", service).commandLine());
  }

  @Override
  public Plan planStop(String host) {
    Plan p = container.isPresent() ? Plan.none() : Plan.command(host, compose("ps", "-a", "-q", service).commandLine());
    return p.then(Plan.Kind.COMMAND, host, inspectPolicy(containerShown()).commandLine())
        .then(Plan.Kind.FILE, host, "save the policy in " + savedPolicyFile() + " (unless it is already no)")
        .then(Plan.Kind.COMMAND, host, docker("update", "--restart=no", containerShown()).commandLine())
        .then(Plan.Kind.COMMAND, host, compose("stop", service).commandLine());
  }

  @Override
  public Plan planStatus(String host) {
    Plan p = container.isPresent() ? Plan.none() : Plan.command(host, compose("ps", "-a", "-q", service).commandLine());
    return p.then(Plan.Kind.COMMAND, host, docker("inspect", "-f", "{{.State.Running}}", containerShown()).commandLine());
  }

  @Override
  public void stop(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    String c = container(host, ctx);
    String policy = HostCommands.check(host, inspectPolicy(c), ctx).strip();
    if (!policy.startsWith("no:") && !policy.equals("no")) {
      // Saved before it is changed: a crash between the two leaves the old policy in place, never a lost one.
      host.write(savedPolicyFile(), new ByteArrayInputStream(restartValue(policy).getBytes(StandardCharsets.UTF_8)), false);
      HostCommands.check(host, docker("update", "--restart=no", c), ctx);
      ctx.log().info("restart policy of " + c + " was " + restartValue(policy) + ", now no (saved in " + savedPolicyFile() + ")");
    }
    HostCommands.check(host, compose("stop", service), ctx);
  }

  @Override
  public void start(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    String c = container(host, ctx);
    Optional<String> saved = savedPolicy(host);
    if (saved.isPresent()) {
      HostCommands.check(host, docker("update", "--restart=" + saved.get(), c), ctx);
      ctx.log().info("restart policy of " + c + " restored to " + saved.get());
    }
    HostCommands.check(host, compose("start", service), ctx);
    if (saved.isPresent()) HostCommands.check(host, HostCommand.of("rm", "-f", "--", savedPolicyFile()).withSudo(sudo), ctx);
  }

  @Override
  public State status(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    String c = container(host, ctx);
    CommandResult r = HostCommands.run(host, docker("inspect", "-f", "{{.State.Running}}", c), ctx);
    return new State(r.exitCode() == 0 && r.stdout().strip().equals("true"),
        "container " + c + " running=" + (r.exitCode() == 0 ? r.stdout().strip() : "unknown: " + r.stderr().strip()));
  }

  /** {@code on-failure:5} keeps its retry count; other policies are just their name. */
  static String restartValue(String nameAndCount) {
    int colon = nameAndCount.indexOf(':');
    if (colon < 0) return nameAndCount;
    String name = nameAndCount.substring(0, colon);
    String count = nameAndCount.substring(colon + 1);
    return name.equals("on-failure") && !count.equals("0") ? name + ":" + count : name;
  }

  private Optional<String> savedPolicy(HostTransport host) throws StepFailure {
    if (host.stat(savedPolicyFile()).isEmpty()) return Optional.empty();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    host.read(savedPolicyFile(), 0, in -> in.transferTo(buf));
    String v = buf.toString(StandardCharsets.UTF_8).strip();
    if (!v.matches("[a-z-]+(:[0-9]+)?")) {
      throw StepFailure.fatal(host.describe() + ": " + savedPolicyFile() + " does not hold a restart policy: '" + v + "'",
          "delete the file and set the policy by hand (docker update --restart=...)");
    }
    return Optional.of(v);
  }

  private String container(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    if (container.isPresent()) return container.get();
    String id = HostCommands.check(host, compose("ps", "-a", "-q", service), ctx).strip();
    if (id.isEmpty()) {
      throw StepFailure.fatal(host.describe() + ": compose project " + project + " has no container for service " + service,
          "create it once with `docker compose up -d " + service + "` in " + project + ", or fix project/service in the inventory");
    }
    return id.lines().findFirst().orElseThrow();
  }
}
