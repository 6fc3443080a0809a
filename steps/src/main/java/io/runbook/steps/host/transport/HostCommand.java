package io.runbook.steps.host.transport;

import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.process.PosixShell;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A command to run on a host: an argument list (never a string to split), optional environment, sudo, stdin and
 * timeout. A shell script is the argument list {@code sh -c SCRIPT}. Environment values travel on stdin, never in
 * an argument list on the host (see {@link #effectiveArgv()}).
 */
public record HostCommand(List<String> argv, Map<String, String> env, boolean sudo, Optional<byte[]> stdin,
                          Optional<Duration> timeout) {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /**
   * Names bash keeps read-only: where a host's {@code sh} is bash, setting one fails and the command cannot run.
   * Refused on every host, so that a runbook does not work on Debian (dash) and fail on a host where sh is bash.
   */
  static final java.util.SortedSet<String> READ_ONLY_IN_BASH = java.util.Collections.unmodifiableSortedSet(
      new java.util.TreeSet<>(List.of("BASHOPTS", "BASH_VERSINFO", "EUID", "PPID", "SHELLOPTS", "UID")));
  private static final List<String> SUDO = List.of("sudo", "-n", "--");

  /**
   * Sets the environment from the first line of stdin, then runs its arguments. The shell's {@code read} takes a
   * pipe's bytes one at a time, so it stops at the newline and the command's own stdin follows intact. The decoded
   * line ends with {@code exec "$@"}: a line that is missing, damaged or cannot be applied reaches the message and
   * exit 125 instead of running the command without its environment. Only a subshell's variable holds the line, so
   * nothing of it stays in the command's environment. Not SSH's "env" request (sshd takes only its AcceptEnv names
   * and sudo resets them anyway), nor a file on the host (a killed run could leave it behind).
   */
  static final String ENV_FROM_STDIN = "eval \"$(IFS= read -r line && printf %s \"$line\" | base64 -d)\"; "
      + "echo 'runbook: the environment sent on stdin did not arrive or could not be set' >&2; exit 125";

  public HostCommand {
    if (argv.isEmpty()) throw new IllegalArgumentException("empty command");
    argv = List.copyOf(argv);
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    for (String name : env.keySet()) {
      if (!ENV_NAME.matcher(name).matches()) throw new IllegalArgumentException("'" + name + "' is not an environment variable name");
      if (READ_ONLY_IN_BASH.contains(name)) {
        throw new IllegalArgumentException("environment variable " + name + " cannot be set: bash, the shell of many hosts, keeps it"
            + " read-only (also " + String.join(", ", READ_ONLY_IN_BASH) + "); use another name, e.g. RB_" + name);
      }
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

  /**
   * The command as plans and messages show it: {@code [sudo -n --] [env K=V ...] argv}, with the environment as
   * {@code env} would take it (the Redactor masks secret values downstream). What the host runs is
   * {@link #effectiveArgv()} with {@link #effectiveStdin()}: environment values never appear in an argument list there.
   */
  public String commandLine() {
    List<String> shown = new ArrayList<>();
    if (sudo) shown.addAll(SUDO);
    if (!env.isEmpty()) {
      shown.add("env");
      env.forEach((k, v) -> shown.add(k + "=" + v));
    }
    shown.addAll(argv);
    return PosixShell.join(shown);
  }

  /**
   * The argument list that runs on the host: {@code [sudo -n --] argv}, and with an environment
   * {@code [sudo -n --] sh -c ENV_FROM_STDIN sh argv}, whose values come first on {@link #effectiveStdin()}. Argument
   * lists are public on a host (ps, /proc/PID/cmdline for every local user, and sudo logs its whole command line),
   * the standard input is not.
   */
  public List<String> effectiveArgv() {
    List<String> all = new ArrayList<>();
    if (sudo) all.addAll(SUDO);
    if (!env.isEmpty()) all.addAll(List.of("sh", "-c", ENV_FROM_STDIN, "sh"));
    all.addAll(argv);
    return all;
  }

  /**
   * Refuses a command no host can receive: a NUL in an argument or an environment value (a C string ends there, so
   * the command would get a shortened value). {@code where} names the host in the message.
   */
  public void requireNoNul(String where) throws StepFailure {
    String line = commandLine();
    if (line.indexOf('\0') >= 0) {
      throw StepFailure.fatal(where + ": `" + line.replace("\0", "\\0") + "`: an argument or environment value holds a NUL"
          + " character, which no command can receive", "remove the NUL character from the value");
    }
  }

  /** The line {@link #effectiveArgv()} runs on the host (what sshd hands to the login shell). */
  public String effectiveCommandLine() { return PosixShell.join(effectiveArgv()); }

  /**
   * The bytes to send on the command's stdin: with an environment, one line first (the base64 of
   * {@code export K='v' ... && exec "$@"}, each value quoted by {@link PosixShell}), then the command's own stdin.
   */
  public Optional<byte[]> effectiveStdin() {
    if (env.isEmpty()) return stdin;
    String script = "export " + String.join(" ", env.entrySet().stream()
        .map(e -> e.getKey() + "=" + PosixShell.quote(e.getValue())).toList()) + " && exec \"$@\"";
    byte[] line = (Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8)) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] own = stdin.orElse(new byte[0]);
    byte[] all = Arrays.copyOf(line, line.length + own.length);
    System.arraycopy(own, 0, all, line.length, own.length);
    return Optional.of(all);
  }
}
