package io.runbook.testkit.sshd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;

/**
 * A throwaway non-root login account for tests that need what root logins do not show (sudo, sshd's signal
 * requests): created with useradd, unlocked for key logins (usermod -p '*', since the test sshd runs with UsePAM no),
 * optionally allowed passwordless sudo by a drop-in under /etc/sudoers.d. {@link #close()} removes the drop-in and
 * the account (with its processes). Needs root.
 */
public final class OsUser implements AutoCloseable {
  private final String name;
  private final Path sudoers;

  private OsUser(String name) {
    this.name = name;
    this.sudoers = Path.of("/etc/sudoers.d", "runbook-test-" + name);
  }

  /** Creates an account with a unique name (rbt + 8 hex digits: other test runs may make theirs at the same time). */
  public static OsUser create() {
    OsUser u = new OsUser("rbt" + UUID.randomUUID().toString().substring(0, 8));
    try {
      run(List.of("useradd", "-M", "-d", "/nonexistent", "-s", "/bin/sh", u.name));
      run(List.of("usermod", "-p", "*", u.name));
      return u;
    } catch (IOException e) {
      u.close();
      throw new UncheckedIOException("cannot create the test account " + u.name, e);
    }
  }

  public String name() { return name; }

  /** Lets the account run anything through sudo without a password (a NOPASSWD drop-in, checked with visudo). */
  public void allowSudo() { writeSudoers(name + " ALL=(ALL) NOPASSWD: ALL\n"); }

  /**
   * {@link #allowSudo()}, and sudo also writes each of this account's command lines, as it logs them to the host's
   * auth log, to {@code logFile} (one line each: no wrapping).
   */
  public void allowSudo(Path logFile) {
    writeSudoers(name + " ALL=(ALL) NOPASSWD: ALL\nDefaults:" + name + " logfile=\"" + logFile.toAbsolutePath()
        + "\", loglinelen=0\n");
  }

  private void writeSudoers(String rules) {
    try {
      Path tmp = Files.createTempFile(sudoers.getParent(), ".runbook-test-", ".tmp");
      Files.writeString(tmp, rules, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--r-----"));
      run(List.of("visudo", "-c", "-q", "-f", tmp.toString()));
      Files.move(tmp, sudoers, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + sudoers, e);
    }
  }

  /** Takes the sudo right away again. */
  public void denySudo() {
    try {
      Files.deleteIfExists(sudoers);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + sudoers, e);
    }
  }

  @Override
  public void close() {
    denySudo();
    try {
      // What a failed test left running under this account (and only this one: the name is unique); exit 1 = none.
      new ProcessBuilder("pkill", "-KILL", "-u", name).redirectErrorStream(true).start().waitFor();
      run(List.of("userdel", "-f", name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the test account " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void run(List<String> cmd) throws IOException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }
}
