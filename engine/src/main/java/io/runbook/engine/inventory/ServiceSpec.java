package io.runbook.engine.inventory;

import io.runbook.engine.spi.Doc;
import java.util.List;
import java.util.Optional;

/** How the database service is run on a host: docker compose, systemd, the sandbox, or custom commands. */
public record ServiceSpec(
    @Doc("compose, systemd, sandbox or custom") String kind,
    @Doc("compose: project directory") Optional<String> project,
    @Doc("compose: service name") Optional<String> service,
    @Doc("compose: container name (for the restart policy)") Optional<String> container,
    @Doc("systemd: unit name") Optional<String> unit,
    @Doc("custom: start command (argument list)") Optional<List<String>> start,
    @Doc("custom: stop command (argument list)") Optional<List<String>> stop,
    @Doc("custom: status command (argument list; exit 0 = running)") Optional<List<String>> status,
    @Doc(value = "Option file the server reads at start (a conf.d drop-in, host path): db.service.start fenced: true writes "
        + "the boot fence there (read_only=ON, skip_slave_start), db.service.unfence removes it; compose: a file in a folder "
        + "mounted into the container's /etc/mysql/conf.d", defaultValue = "systemd: /etc/mysql/mariadb.conf.d/99-runbook-fence.cnf; "
        + "sandbox: the VM folder's fence.cnf; compose, custom: none (fenced starts are refused)") Optional<String> fenceFile) {}
