package io.runbook.steps.host.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.HostSystemdMountDependency;
import io.runbook.steps.host.TestHosts;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * compose and systemd kinds over a real sshd whose sessions find fake {@code docker} and {@code systemctl} first on
 * PATH: this machine has no docker daemon and no running systemd. The fakes record every call and keep state
 * (running, restart policy, drop-ins) so the steps' command sequences and their effect are both checked.
 */
class ServiceManagersTest {
  private static final Path FAKES = Path.of("target", "fakes-" + System.nanoTime()).toAbsolutePath();
  private static final Path BIN = FAKES.resolve("bin");
  private static final Path STATE = FAKES.resolve("state");

  @RegisterExtension
  static final SshdExtension SSHD = new SshdExtension(Map.of("PATH", BIN + ":/usr/sbin:/usr/bin:/sbin:/bin", "FAKE_STATE", STATE.toString()));

  private static final String DOCKER = """
      #!/bin/sh
      echo "docker $*" >> "$FAKE_STATE/calls"
      case "$*" in
        "compose --project-directory "*" ps -a -q db") echo c0ffee ;;
        "inspect -f {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} c0ffee") cat "$FAKE_STATE/policy" ;;
        "inspect -f {{.State.Running}} c0ffee") cat "$FAKE_STATE/running" ;;
        "update --restart="*" c0ffee") p="${2#--restart=}"; case "$p" in *:*) echo "$p";; *) echo "$p:0";; esac > "$FAKE_STATE/policy" ;;
        "compose --project-directory "*" stop db") echo false > "$FAKE_STATE/running" ;;
        "compose --project-directory "*" start db") echo true > "$FAKE_STATE/running" ;;
        *) echo "fake docker: unexpected: $*" >&2; exit 64 ;;
      esac
      """;

  private static final String SYSTEMCTL = """
      #!/bin/sh
      echo "systemctl $*" >> "$FAKE_STATE/calls"
      case "$1" in
        start) echo active > "$FAKE_STATE/unit-$2" ;;
        stop) echo inactive > "$FAKE_STATE/unit-$2" ;;
        is-active) s=$(cat "$FAKE_STATE/unit-$2" 2>/dev/null || echo inactive); echo "$s"; [ "$s" = active ] ;;
        daemon-reload) cat "$FAKE_STATE"/units/*.service.d/*.conf > "$FAKE_STATE/loaded" 2>/dev/null || true ;;
        show) req=$(sed -n 's/^Requires=//p' "$FAKE_STATE/loaded" 2>/dev/null | tr '\\n' ' ')
              aft=$(sed -n 's/^After=//p' "$FAKE_STATE/loaded" 2>/dev/null | tr '\\n' ' ')
              echo "Requires=containerd.service $req"; echo "After=network-online.target $aft" ;;
        *) echo "fake systemctl: unexpected: $*" >&2; exit 64 ;;
      esac
      """;

  @AfterAll
  static void removeFakes() throws Exception {
    try (var all = Files.walk(FAKES)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @BeforeEach
  void fakes() throws Exception {
    Files.createDirectories(BIN);
    Files.createDirectories(STATE.resolve("units"));
    for (var e : Map.of("docker", DOCKER, "systemctl", SYSTEMCTL).entrySet()) {
      Path f = BIN.resolve(e.getKey());
      Files.writeString(f, e.getValue());
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.deleteIfExists(STATE.resolve("calls"));
    Files.deleteIfExists(STATE.resolve("loaded"));
  }

  private static List<String> calls() throws Exception {
    return Files.exists(STATE.resolve("calls")) ? Files.readAllLines(STATE.resolve("calls")) : List.of();
  }

  private static StandaloneStepContext ctx(Sshd sshd, ServiceSpec svc) {
    Host h = TestHosts.host("db1", TestHosts.ssh(sshd), Optional.empty(), Optional.empty(), Optional.of(svc));
    return TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"));
  }

  @Test
  void composeStopPinsRestartPolicyToNoAndStartRestoresIt(Sshd sshd) throws Exception {
    Path project = Files.createDirectories(FAKES.resolve("opt-db"));
    Files.writeString(STATE.resolve("policy"), "on-failure:5\n");
    Files.writeString(STATE.resolve("running"), "true\n");
    ServiceSpec compose = new ServiceSpec("compose", Optional.of(project.toString()), Optional.of("db"), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    DbServiceStop stop = new DbServiceStop();
    DbServiceStart start = new DbServiceStart();
    try (StandaloneStepContext c = ctx(sshd, compose)) {
      assertTrue(stop.run(new DbServiceStop.Input(Optional.of("10s"), Optional.empty()), c).stopped());
      String p = project.toString();
      assertEquals(List.of(
          "docker compose --project-directory " + p + " ps -a -q db",
          "docker inspect -f {{.State.Running}} c0ffee",
          "docker compose --project-directory " + p + " ps -a -q db",
          "docker inspect -f {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} c0ffee",
          "docker update --restart=no c0ffee",
          "docker compose --project-directory " + p + " stop db"), calls().subList(0, 6));
      assertEquals("no:0", Files.readString(STATE.resolve("policy")).strip());
      assertEquals("on-failure:5", Files.readString(project.resolve(".runbook-restart-policy-db")));
      // A second stop must not overwrite the saved policy with "no".
      assertFalse(stop.run(new DbServiceStop.Input(Optional.of("10s"), Optional.empty()), c).stopped());
      assertEquals("on-failure:5", Files.readString(project.resolve(".runbook-restart-policy-db")));

      Files.delete(STATE.resolve("calls"));
      DbServiceStart.Input startIn = new DbServiceStart.Input(Optional.empty(), Optional.of("10s"), Optional.empty(), Optional.empty());
      assertTrue(start.run(startIn, c).started());
      assertTrue(calls().containsAll(List.of("docker update --restart=on-failure:5 c0ffee",
          "docker compose --project-directory " + p + " start db")), calls().toString());
      assertTrue(calls().indexOf("docker update --restart=on-failure:5 c0ffee")
          < calls().indexOf("docker compose --project-directory " + p + " start db"), "policy restored before the start");
      assertEquals("on-failure:5", Files.readString(STATE.resolve("policy")).strip());
      assertFalse(Files.exists(project.resolve(".runbook-restart-policy-db")));
      DbServiceStatus.Output st = new DbServiceStatus().run(new DbServiceStatus.Input(Optional.empty()), c);
      assertTrue(st.running());
      assertFalse(st.answering(), "no db: block, so no query was made");

      List<String> plan = stop.plan(new DbServiceStop.Input(Optional.empty(), Optional.of(true)), c).actions().stream()
          .map(Plan.Action::text).toList();
      assertEquals("sudo -n -- docker compose --project-directory " + p + " ps -a -q db", plan.get(0));
      assertEquals("sudo -n -- docker update '--restart=no' '<container of db>'", plan.get(3));
      assertEquals("sudo -n -- docker compose --project-directory " + p + " stop db", plan.get(4));
    }
  }

  @Test
  void systemdUnitStartStopStatus(Sshd sshd) throws Exception {
    ServiceSpec systemd = new ServiceSpec("systemd", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of("mariadb.service"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    try (StandaloneStepContext c = ctx(sshd, systemd)) {
      DbServiceStatus status = new DbServiceStatus();
      DbServiceStatus.Output before = status.run(new DbServiceStatus.Input(Optional.empty()), c);
      assertFalse(before.running());
      assertEquals("mariadb.service: inactive", before.detail());
      assertTrue(new DbServiceStart().run(new DbServiceStart.Input(Optional.empty(), Optional.of("10s"), Optional.empty(), Optional.empty()), c).started());
      assertTrue(calls().contains("systemctl start mariadb.service"));
      assertTrue(status.run(new DbServiceStatus.Input(Optional.empty()), c).running());
      assertEquals(Reconciled.Status.NOT_DONE, new DbServiceStop().reconcile(new DbServiceStop.Input(Optional.empty(), Optional.empty()), c).status());
      assertTrue(new DbServiceStop().run(new DbServiceStop.Input(Optional.of("10s"), Optional.empty()), c).stopped());
      assertTrue(calls().contains("systemctl stop mariadb.service"));
      assertEquals(List.of("sudo -n -- systemctl start mariadb.service"), new DbServiceStart()
          .plan(new DbServiceStart.Input(Optional.empty(), Optional.empty(), Optional.of(true), Optional.empty()), c).actions().stream()
          .filter(a -> a.kind() == Plan.Kind.COMMAND).map(Plan.Action::text).toList());
    }
  }

  @Test
  void unknownServiceKindNamesTheKnownOnes(Sshd sshd) {
    ServiceSpec odd = new ServiceSpec("kubernetes", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    try (StandaloneStepContext c = ctx(sshd, odd)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new DbServiceStatus().run(new DbServiceStatus.Input(Optional.empty()), c));
      assertTrue(f.hint().contains("compose, custom, sandbox, systemd"), f.hint());
    }
  }

  @Test
  void mountDependencyDropInIsWrittenReloadedVerifiedAndIdempotent(Sshd sshd) throws Exception {
    HostSystemdMountDependency step = new HostSystemdMountDependency();
    HostSystemdMountDependency.Input in = new HostSystemdMountDependency.Input(Optional.empty(),
        Optional.of("/var/lib/mysql"), Optional.of(STATE.resolve("units").toString()), Optional.empty());
    ServiceSpec systemd = new ServiceSpec("systemd", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of("mariadb.service"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    try (StandaloneStepContext c = ctx(sshd, systemd)) {
      assertEquals(Reconciled.Status.NOT_DONE, step.reconcile(in, c).status());
      HostSystemdMountDependency.Output out = step.run(in, c);
      assertTrue(out.changed());
      assertEquals("var-lib-mysql.mount", out.mountUnit());
      Path dropIn = STATE.resolve("units/docker.service.d/10-runbook-data-mount.conf");
      assertEquals(dropIn.toString(), out.dropIn());
      String text = Files.readString(dropIn);
      assertTrue(text.contains("[Unit]\nRequires=var-lib-mysql.mount\nAfter=var-lib-mysql.mount\n"), text);
      assertEquals(List.of("systemctl daemon-reload", "systemctl show -p Requires -p After docker.service"), calls());

      Files.delete(STATE.resolve("calls"));
      assertFalse(step.run(in, c).changed());
      assertEquals(List.of("systemctl show -p Requires -p After docker.service"), calls(), "no reload when nothing changed");
      assertEquals(Reconciled.Status.DONE, step.reconcile(in, c).status());

      // systemd not showing the dependency (e.g. an override elsewhere) is a failure, not a silent success.
      Files.writeString(STATE.resolve("loaded"), "");
      StepFailure f = assertThrows(StepFailure.class, () -> step.run(in, c));
      assertTrue(f.getMessage().contains("does not list var-lib-mysql.mount"), f.getMessage());
    }
  }
}
