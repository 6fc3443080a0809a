package io.runbook.testkit.sshd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSSH server (Debian openssh-server) running in the foreground on 127.0.0.1 and a free port, with its
 * own host key, a client key in its authorized_keys, and a known_hosts file that trusts it. Everything lives in one
 * folder that {@link #close()} deletes.
 */
public final class Sshd implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  private static final Path SSHD = Path.of("/usr/sbin/sshd");

  private final Path dir;
  private final Map<String, String> sessionEnv;
  private Process process;
  private int port;

  private Sshd(Path dir, Map<String, String> sessionEnv) {
    this.dir = dir;
    // HOME points into the server's folder so the login user's own shell start-up files (a root ~/.bashrc that
    // runs pyenv costs 0.5 s per command here) do not run in test sessions; callers may override it.
    this.sessionEnv = new LinkedHashMap<>();
    this.sessionEnv.put("HOME", dir.resolve("home").toString());
    this.sessionEnv.putAll(sessionEnv);
  }

  /** Starts a server whose files live in {@code dir} (created; deleted on close). */
  public static Sshd start(Path dir) { return start(dir, Map.of()); }

  /**
   * Starts a server; {@code sessionEnv} is set in every session it serves (sshd's {@code SetEnv}), e.g. a PATH
   * that puts a fake {@code systemctl} first.
   */
  public static Sshd start(Path dir, Map<String, String> sessionEnv) {
    Sshd sshd = new Sshd(dir.toAbsolutePath(), sessionEnv);
    try {
      sshd.prepare();
      sshd.launch();
      return sshd;
    } catch (IOException e) {
      sshd.close();
      throw new UncheckedIOException("cannot start sshd in " + dir, e);
    } catch (InterruptedException e) {
      sshd.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting sshd", e);
    }
  }

  public String host() { return HOST; }

  public int port() { return port; }

  /** The user tests log in as (the tests run as root). */
  public String user() { return System.getProperty("user.name"); }

  public Path dir() { return dir; }

  /** Private key (no passphrase) that the server accepts. */
  public Path clientKey() { return dir.resolve("client_ed25519"); }

  /** A known_hosts file holding exactly this server's host key. */
  public Path knownHosts() { return dir.resolve("known_hosts"); }

  public Path hostPublicKey() { return dir.resolve("host_ed25519.pub"); }

  /** The known_hosts line for this server with the public key read from {@code publicKeyFile}. */
  public String knownHostsLine(Path publicKeyFile) throws IOException {
    String[] parts = Files.readString(publicKeyFile).trim().split("\\s+");
    return "[" + HOST + "]:" + port + " " + parts[0] + " " + parts[1] + "\n";
  }

  /** Authorises one more public key (e.g. of a passphrase-protected client key made with {@link #generateKey}). */
  public void authorize(Path publicKeyFile) throws IOException {
    Files.writeString(dir.resolve("authorized_keys"), Files.readString(publicKeyFile),
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** Makes an ed25519 key pair at {@code file} (+ .pub) with the given passphrase ("" for none). */
  public static void generateKey(Path file, String passphrase) throws IOException, InterruptedException {
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "runbook-test", "-f", file.toString()));
  }

  /**
   * Kills the server side of every live session (the per-connection sshd processes and what they run) while the
   * listener keeps running: what a client sees when a VM drops off the network mid-command.
   */
  public int killSessions() {
    List<ProcessHandle> sessions = process.toHandle().children().toList();
    for (ProcessHandle h : sessions) {
      h.descendants().forEach(ProcessHandle::destroyForcibly);
      h.destroyForcibly();
    }
    return sessions.size();
  }

  /** The server's log (sshd -e writes it to stderr, which goes to this file). */
  public String log() {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (IOException e) {
      return "";
    }
  }

  public boolean isRunning() { return process != null && process.isAlive(); }

  /** Stops the listener (live sessions are killed too). */
  public void stop() {
    if (process == null) return;
    killSessions();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the server and deletes its folder. */
  @Override
  public void close() {
    stop();
    deleteTree(dir);
  }

  private void prepare() throws IOException, InterruptedException {
    if (!Files.isExecutable(SSHD)) {
      throw new IllegalStateException("openssh-server is not installed (" + SSHD + " missing): run bin/install-prereqs");
    }
    Files.createDirectories(dir.resolve("home"));
    // sshd refuses to start without its privilege-separation directory.
    Files.createDirectories(Path.of("/run/sshd"));
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "runbook-test-host", "-f",
        dir.resolve("host_ed25519").toString()));
    generateKey(clientKey(), "");
    Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
  }

  private void launch() throws IOException, InterruptedException {
    IOException last = null;
    // A free port found by binding 0 can be taken by someone else before sshd binds it: try a few.
    for (int attempt = 0; attempt < 5; attempt++) {
      port = freePort();
      writeConfig();
      Path logFile = dir.resolve("sshd.log");
      process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-p", Integer.toString(port),
          "-f", dir.resolve("sshd_config").toString(), "-h", dir.resolve("host_ed25519").toString())
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile())
          .start();
      if (awaitListening()) {
        Files.writeString(knownHosts(), knownHostsLine(hostPublicKey()));
        return;
      }
      stop();
      last = new IOException("sshd did not start on port " + port + ": " + log());
    }
    throw last;
  }

  private void writeConfig() throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "ListenAddress " + HOST,
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        "UsePAM no",
        "StrictModes no",
        "LogLevel VERBOSE",
        "Subsystem sftp internal-sftp"));
    StringBuilder set = new StringBuilder("SetEnv");
    sessionEnv.forEach((k, v) -> set.append(' ').append(k).append('=').append(v));
    lines.add(set.toString());
    Files.write(dir.resolve("sshd_config"), lines, StandardCharsets.UTF_8);
  }

  private boolean awaitListening() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      if (!process.isAlive()) return false;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 200);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a leftover folder under target/ is removed by mvn clean
    }
  }
}
