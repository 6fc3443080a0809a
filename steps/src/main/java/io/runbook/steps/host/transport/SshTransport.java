package io.runbook.steps.host.transport;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import com.jcraft.jsch.UnixDomainSocketFactory;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.engine.util.Durations;
import io.runbook.steps.process.OutputCapture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A host reached over SSH (JSch): one session per host and run, opened on first use, reopened when it dropped,
 * closed at the end of the run. Host keys are checked against known_hosts; files go over SFTP.
 */
public final class SshTransport implements HostTransport {
  private final SshTarget target;
  private Session session;
  private HostKeyCheck hostKeys;
  private boolean closed;

  public SshTransport(SshTarget target) { this.target = target; }

  @Override
  public String describe() { return target.hostName() + " (ssh " + target.endpoint() + ")"; }

  /** Opens the session unless it is open; a dropped session is replaced. Warns when host keys are not checked. */
  public synchronized void connect(StepLog log) throws StepFailure {
    if (closed) {
      throw StepFailure.fatal(describe() + ": the SSH session was closed at the end of its run",
          "this is a bug: a transport outlived its run");
    }
    if (session != null && session.isConnected()) return;
    if (session != null) session.disconnect();
    session = null;
    JSch jsch = new JSch();
    try {
      HostKeyRepository known = null;
      if (target.strictHostKeys()) {
        // A missing file just means no host is known yet: every connection is refused with the fingerprint.
        if (Files.isRegularFile(target.knownHosts())) {
          try (InputStream in = Files.newInputStream(target.knownHosts())) {
            jsch.setKnownHosts(in);
          }
        }
        known = jsch.getHostKeyRepository();
      }
      hostKeys = new HostKeyCheck(known);
      jsch.setHostKeyRepository(hostKeys);
      addIdentity(jsch);
      Session s = jsch.getSession(target.user(), target.address(), target.port());
      s.setConfig("StrictHostKeyChecking", target.strictHostKeys() ? "yes" : "no");
      s.setConfig("PreferredAuthentications", "publickey");
      // Notice a host that vanished (no FIN/RST) within about 30 s instead of waiting on TCP forever.
      s.setServerAliveInterval(10_000);
      s.setServerAliveCountMax(3);
      s.connect((int) target.connectTimeout().toMillis());
      session = s;
    } catch (JSchChangedHostKeyException e) {
      throw hostKeyChanged();
    } catch (JSchUnknownHostKeyException e) {
      throw hostKeyUnknown();
    } catch (JSchException e) {
      throw connectFailure(e);
    } catch (IOException e) {
      throw StepFailure.fatal(describe() + ": cannot read known_hosts " + target.knownHosts() + ": " + e.getMessage(),
          "check the inventory's knownHosts path");
    }
    if (!target.strictHostKeys()) {
      log.warn(describe() + ": strictHostKeys is false, so the host key (" + hostKeys.presentedFingerprint()
          + ") was NOT verified and anyone on the network path could pose as this host. Add the key to "
          + target.knownHosts() + " and remove `strictHostKeys: false` from the inventory.");
    }
  }

  private void addIdentity(JSch jsch) throws JSchException, StepFailure {
    if (target.keyFile().isPresent()) {
      String key = target.keyFile().get().toString();
      if (!Files.isReadable(target.keyFile().get())) {
        throw StepFailure.fatal(describe() + ": the private key " + key + " does not exist or is not readable",
            "fix the inventory's transport.key path, or remove it to use ssh-agent");
      }
      try {
        byte[] pass = target.passphrase().map(p -> p.getBytes(StandardCharsets.UTF_8)).orElse(null);
        jsch.addIdentity(key, pass);
      } catch (JSchException e) {
        throw StepFailure.fatal(describe() + ": cannot load the private key " + key
                + (target.passphrase().isPresent() ? " with the given passphrase" : " (is it passphrase-protected?)"),
            "check the key file and the transport.passphrase secret reference");
      }
      return;
    }
    try {
      Path socket = target.agentSocket().orElseThrow(() -> new AgentProxyException("SSH_AUTH_SOCK is not set"));
      SSHAgentConnector agent = new SSHAgentConnector(new UnixDomainSocketFactory(), socket);
      if (!agent.isAvailable()) throw new AgentProxyException("agent socket " + socket + " does not answer");
      jsch.setIdentityRepository(new AgentIdentityRepository(agent));
    } catch (AgentProxyException e) {
      throw StepFailure.fatal(describe() + ": no key file configured and no ssh-agent reachable (SSH_AUTH_SOCK)",
          "set transport.key in the inventory, or start ssh-agent and ssh-add the key");
    }
  }

  private StepFailure hostKeyChanged() {
    return StepFailure.fatal(describe() + ": the host key has CHANGED. The host presented "
            + hostKeys.presentedFingerprint() + " but " + target.knownHosts() + " holds a different key for "
            + target.knownHostsName() + ". Refusing to connect: this is what a man-in-the-middle looks like.",
        "if the VM was rebuilt or its keys rotated, confirm the new fingerprint on the host itself "
            + "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then: ssh-keygen -R '" + target.knownHostsName()
            + "' -f " + target.knownHosts() + " and add the new key; otherwise stop and investigate");
  }

  private StepFailure hostKeyUnknown() {
    return StepFailure.fatal(describe() + ": the host key is unknown: " + target.knownHosts() + " has no entry for "
            + target.knownHostsName() + ". The host presented " + hostKeys.presentedFingerprint() + ".",
        "confirm that fingerprint on the host itself (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then add "
            + "the key: ssh-keyscan -p " + target.port() + " " + target.address() + " >> " + target.knownHosts());
  }

  private StepFailure connectFailure(JSchException e) {
    Throwable cause = e.getCause();
    String where = describe() + ": cannot connect";
    if (cause instanceof ConnectException) {
      return new StepFailure(where + ": connection refused", true,
          "is the VM running and sshd listening on port " + target.port() + "? check the address and port in the inventory", e);
    }
    if (cause instanceof SocketTimeoutException || String.valueOf(e.getMessage()).contains("timeout")) {
      return new StepFailure(where + ": no answer within " + Durations.format(target.connectTimeout()), true,
          "check that the VM is running and that a firewall or NSG lets port " + target.port() + " through", e);
    }
    if (cause instanceof NoRouteToHostException) {
      return new StepFailure(where + ": no route to host", true, "check the address and the network path", e);
    }
    if (cause instanceof UnknownHostException) {
      return StepFailure.fatal(where + ": unknown host name " + target.address(), "fix the address in the inventory");
    }
    String msg = String.valueOf(e.getMessage());
    if (msg.startsWith("Auth fail") || msg.contains("Auth cancel")) {
      String with = target.keyFile().map(p -> "key " + p).orElse("the keys in ssh-agent");
      return StepFailure.fatal(describe() + ": authentication as " + target.user() + " failed with " + with,
          "check the user, and that the matching public key is in ~" + target.user() + "/.ssh/authorized_keys on the host");
    }
    return new StepFailure(where + ": " + msg, true, "check that sshd on the host is healthy", e);
  }

  @Override
  public CommandResult exec(HostCommand command, StepLog log) throws StepFailure, InterruptedException {
    connect(log);
    Session s = currentSession();
    // Messages show the command as plans do; the host gets a line without environment values (they go on stdin).
    command.requireNoNul(describe());
    String line = command.commandLine();
    ChannelExec ch;
    try {
      ch = (ChannelExec) s.openChannel("exec");
      ch.setCommand(command.effectiveCommandLine());
      ch.setInputStream(new ByteArrayInputStream(command.effectiveStdin().orElse(new byte[0])));
    } catch (JSchException e) {
      throw dropped("starting `" + line + "`", e);
    }
    OutputCapture out = new OutputCapture(log::output);
    OutputCapture err = new OutputCapture(log::output);
    List<Thread> pumps = new ArrayList<>();
    try {
      InputStream stdout = ch.getInputStream();
      InputStream stderr = ch.getErrStream();
      ch.connect((int) target.connectTimeout().toMillis());
      pumps.add(pump(stdout, out));
      pumps.add(pump(stderr, err));
      long deadline = command.timeout().map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
      while (!ch.isClosed()) {
        if (System.nanoTime() > deadline) {
          boolean signalled = terminate(ch);
          throw StepFailure.fatal(describe() + ": `" + line + "` did not finish within "
                  + Durations.format(command.timeout().get()) + (signalled ? "; it was sent SIGTERM"
                  : "; sshd refused to signal it (it does for root logins), so it may still be running on the host"),
              "check on the host (ps) that it is gone; raise the step's timeout, or find out what it waits for");
        }
        Thread.sleep(20);
      }
      for (Thread t : pumps) t.join(5_000);
      out.close();
      err.close();
      int code = ch.getExitStatus();
      String signal = ch.getExitSignal();
      if (code < 0 && signal != null && s.isConnected()) {
        // Killed by a signal on the host: report it as a shell would (128 + signal number), like a local process.
        return new CommandResult(128 + signalNumber(signal), out.text(),
            err.text() + "killed by signal " + signal + "\n", out.truncated() || err.truncated());
      }
      if (code < 0 || !s.isConnected()) throw dropped("running `" + line + "`", null);
      return new CommandResult(code, out.text(), err.text(), out.truncated() || err.truncated());
    } catch (JSchException | IOException e) {
      throw dropped("running `" + line + "`", e);
    } finally {
      ch.disconnect();
      for (Thread t : pumps) t.interrupt();
    }
  }

  // OpenSSH accepts "signal" channel requests, except for root logins (no post-auth privilege separation there);
  // without one the command outlives the closed channel.
  private static boolean terminate(ChannelExec ch) {
    try {
      ch.sendSignal("TERM");
      return true;
    } catch (Exception notSupported) {
      return false;
    }
  }

  private static int signalNumber(String name) {
    return switch (name) {
      case "HUP" -> 1;
      case "INT" -> 2;
      case "QUIT" -> 3;
      case "ILL" -> 4;
      case "ABRT" -> 6;
      case "FPE" -> 8;
      case "KILL" -> 9;
      case "USR1" -> 10;
      case "SEGV" -> 11;
      case "USR2" -> 12;
      case "PIPE" -> 13;
      case "ALRM" -> 14;
      case "TERM" -> 15;
      default -> 0;
    };
  }

  private static Thread pump(InputStream in, OutputCapture to) {
    Thread t = new Thread(() -> {
      try {
        in.transferTo(to);
      } catch (IOException ignored) {
        // the channel closed under us: the exit status tells what happened
      }
    }, "ssh-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private StepFailure dropped(String doing, Exception cause) {
    return new StepFailure(describe() + ": the connection dropped while " + doing
        + "; it may or may not have completed on the host", true,
        "retry once the host is reachable (retry: on the step); if the command is not idempotent, check its effect on the host first",
        cause);
  }

  private synchronized Session currentSession() throws StepFailure {
    if (session == null || !session.isConnected()) throw dropped("opening a channel", null);
    return session;
  }

  @Override
  public Optional<FileInfo> stat(String path) throws StepFailure {
    return sftp("stat", path, sftp -> {
      try {
        return Optional.of(info(path, sftp.stat(literal(path))));
      } catch (SftpException e) {
        if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) return Optional.empty();
        throw e;
      }
    });
  }

  @Override
  public List<FileInfo> glob(String pattern) throws StepFailure {
    int slash = pattern.lastIndexOf('/');
    String dir = slash < 0 ? "." : slash == 0 ? "/" : pattern.substring(0, slash);
    return sftp("list", pattern, sftp -> {
      List<FileInfo> found = new ArrayList<>();
      try {
        for (ChannelSftp.LsEntry e : sftp.ls(pattern)) {
          if (e.getAttrs().isReg()) found.add(info(dir.equals("/") ? "/" + e.getFilename() : dir + "/" + e.getFilename(), e.getAttrs()));
        }
      } catch (SftpException e) {
        if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) throw e;
      }
      found.sort(Comparator.comparing(FileInfo::path));
      return found;
    });
  }

  @Override
  public void read(String path, long offset, StreamReader reader) throws StepFailure {
    sftp("read", path, sftp -> {
      try (InputStream in = sftp.get(literal(path), null, offset)) {
        reader.read(in);
      }
      return null;
    });
  }

  @Override
  public void write(String path, InputStream data, boolean append) throws StepFailure {
    sftp("write", path, sftp -> {
      sftp.put(data, literal(path), append ? ChannelSftp.APPEND : ChannelSftp.OVERWRITE);
      return null;
    });
  }

  @Override
  public void chmod(String path, int mode) throws StepFailure {
    sftp("chmod", path, sftp -> {
      sftp.chmod(mode, literal(path));
      return null;
    });
  }

  /**
   * A path as JSch's SFTP channel takes it literally: the channel treats {@code *} and {@code ?} as wildcards and
   * {@code \\} as their escape in every remote path, so a file name holding them would otherwise name other files.
   */
  static String literal(String path) {
    StringBuilder b = new StringBuilder(path.length() + 8);
    for (char c : path.toCharArray()) {
      if (c == '\\' || c == '*' || c == '?') b.append('\\');
      b.append(c);
    }
    return b.toString();
  }

  private static FileInfo info(String path, SftpATTRS a) {
    return new FileInfo(path, a.isDir() ? 0 : a.getSize(), a.getPermissions() & 07777, a.isDir());
  }

  /** One SFTP operation on its own channel (channels are cheap; a shared one would serialise parallel steps). */
  private <T> T sftp(String op, String path, SftpOp<T> body) throws StepFailure {
    connect(StepLog.NONE);
    ChannelSftp ch = null;
    try {
      ch = (ChannelSftp) currentSession().openChannel("sftp");
      ch.connect((int) target.connectTimeout().toMillis());
      return body.apply(ch);
    } catch (SftpException e) {
      if (!currentSession().isConnected()) throw dropped(op + " " + path, e);
      throw StepFailure.fatal(describe() + ": cannot " + op + " " + path + ": " + sftpMessage(e),
          "check the path and that " + target.user() + " may access it");
    } catch (JSchException | IOException e) {
      if (e instanceof InterruptedIOException) Thread.currentThread().interrupt();
      throw dropped(op + " " + path, e);
    } finally {
      if (ch != null) ch.disconnect();
    }
  }

  private static String sftpMessage(SftpException e) {
    return switch (e.id) {
      case ChannelSftp.SSH_FX_NO_SUCH_FILE -> "no such file or directory";
      case ChannelSftp.SSH_FX_PERMISSION_DENIED -> "permission denied";
      default -> e.getMessage();
    };
  }

  @FunctionalInterface
  private interface SftpOp<T> {
    T apply(ChannelSftp sftp) throws SftpException, IOException, StepFailure;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (session != null) session.disconnect();
    session = null;
  }
}
