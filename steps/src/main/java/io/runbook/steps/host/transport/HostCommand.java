package io.runbook.steps.host.transport;

import io.runbook.steps.process.PosixShell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A command to run on a host: an argument list (never a string to split), optional environment, sudo, stdin and
 * timeout. A shell script is the argument list {@code sh -c SCRIPT}.
 */
public record HostCommand(List<String> argv, Map<String, String> env, boolean sudo, Optional<byte[]> stdin,
                          Optional<Duration> timeout) {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public HostCommand {
    if (argv.isEmpty()) throw new IllegalArgumentException("empty command");
    argv = List.copyOf(argv);
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    for (String name : env.keySet()) {
      if (!ENV_NAME.matcher(name).matches()) throw new IllegalArgumentException("'" + name + "' is not an environment variable name");
    }
  }

  public static HostCommand of(List<String> argv) {
    return new HostCommand(argv, Map.of(), false, Optional.empty(), Optional.empty());
  }

  public static HostCommand of(String... argv) { return of(List.of(argv)); }

  /** A script run by {@code sh -c}; positional parameters $1.. are passed as separate, quoted arguments. */
  public static HostCommand script(String script, String... args) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sh"));
    argv.addAll(List.of(args));
    return of(argv);
  }

  public HostCommand withEnv(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.putAll(more);
    return new HostCommand(argv, all, sudo, stdin, timeout);
  }

  public HostCommand withSudo(boolean on) { return new HostCommand(argv, env, on, stdin, timeout); }

  public HostCommand withStdin(byte[] input) { return new HostCommand(argv, env, sudo, Optional.of(input), timeout); }

  public HostCommand withTimeout(Duration t) { return new HostCommand(argv, env, sudo, stdin, Optional.ofNullable(t)); }

  /** The full argument list as executed: {@code [sudo -n --] [env K=V ...] argv}. */
  public List<String> effectiveArgv() {
    List<String> all = new ArrayList<>();
    if (sudo) all.addAll(List.of("sudo", "-n", "--"));
    if (!env.isEmpty()) {
      all.add("env");
      env.forEach((k, v) -> all.add(k + "=" + v));
    }
    all.addAll(argv);
    return all;
  }

  /** The exact command line a remote shell receives (also what plans show). */
  public String commandLine() { return PosixShell.join(effectiveArgv()); }
}
