package io.runbook.engine.inventory;

import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Doc;
import java.util.Optional;

/** How the engine connects to a host's MariaDB (from where the engine runs). */
public record DbSpec(
    @Doc("Address to connect to; default: the host's ssh address or 127.0.0.1") Optional<String> address,
    @Doc(value = "TCP port, 1 to 65535", defaultValue = "3306") Optional<Integer> port,
    @Doc("Unix socket on the host (used by commands run on the host)") Optional<String> socket,
    @Doc("User") String user,
    @Doc("Password (secret reference)") Optional<SecretRef> password,
    @Doc(value = "Datadir on the host (an absolute path)", defaultValue = "<dataDisk.mount>/mysql") Optional<String> datadir,
    @Doc("Replication user replicas use to connect to this host") Optional<String> replicationUser,
    @Doc("Replication password (secret reference)") Optional<SecretRef> replicationPassword) {

  public int portOrDefault() { return port.orElse(3306); }
}
