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
    @Doc("custom: status command (argument list; exit 0 = running)") Optional<List<String>> status) {}
