package io.runbook.engine.run;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.journal.JournalWriter;
import io.runbook.engine.secret.Redactor;
import io.runbook.engine.secret.SecretResolver;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What every step of one run shares: ids, inventory, secrets (and their redactor), clients, the run folder,
 * the log, the journal, the operator and the means to cancel.
 */
public record RunSession(
    String runId,
    Instant startedAt,
    Inventory inventory,
    Redactor redactor,
    SecretResolver secrets,
    SharedResources shared,
    Path runDir,
    RunLog log,
    JournalWriter journal,
    Operator operator,
    Cancellation cancellation,
    boolean confirmed) {}
