package io.runbook.engine.inventory;

import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Doc;
import java.util.Optional;

/** How commands reach a host: {@code ssh} (host keys verified against known_hosts) or {@code local}. */
public record TransportSpec(
    @Doc("ssh or local") String kind,
    @Doc("ssh: address or DNS name") Optional<String> address,
    @Doc(value = "ssh: port, 1 to 65535", defaultValue = "22") Optional<Integer> port,
    @Doc("ssh: user") Optional<String> user,
    @Doc("ssh: private key file; default: ssh-agent") Optional<String> key,
    @Doc("ssh: passphrase of the key (secret reference)") Optional<SecretRef> passphrase,
    @Doc(value = "ssh: known_hosts file", defaultValue = "~/.ssh/known_hosts") Optional<String> knownHosts,
    @Doc(value = "ssh: verify the host key (opting out is warned about on every run)", defaultValue = "true") Optional<Boolean> strictHostKeys) {

  public boolean isLocal() { return "local".equals(kind); }
}
