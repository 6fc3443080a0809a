package io.runbook.steps.host.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything needed to open an SSH session to one host. {@code passphrase} is the resolved secret (never logged);
 * no key file means keys come from the ssh-agent at {@code agentSocket} (default: {@code SSH_AUTH_SOCK}).
 */
public record SshTarget(String hostName, String address, int port, String user, Optional<Path> keyFile,
                        Optional<String> passphrase, Optional<Path> agentSocket, Path knownHosts, boolean strictHostKeys,
                        Duration connectTimeout) {

  /** {@code user@address:port}, as messages show it. */
  public String endpoint() { return user + "@" + address + ":" + port; }

  /** The host as known_hosts names it: {@code address} on port 22, else {@code [address]:port}. */
  public String knownHostsName() { return port == 22 ? address : "[" + address + "]:" + port; }

  @Override
  public String toString() {
    // Never print the passphrase, even by accident.
    return "SshTarget[" + hostName + " " + endpoint() + "]";
  }
}
