package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.util.Durations;
import io.runbook.steps.db.MariaDbClient;
import io.runbook.steps.db.Poll;
import io.runbook.steps.host.transport.HostTransport;
import java.time.Duration;

/** Waits for a database service to come up (the server answers a query) or go down (the service manager says so). */
final class ServiceReadiness {
  private static final Duration INTERVAL = Duration.ofMillis(250);

  private ServiceReadiness() {}

  /** Whether the server accepts a TCP connection and answers {@code SELECT 1}. */
  static boolean answers(Host host, StepContext ctx) throws StepFailure {
    if (host.db().isEmpty()) return true;
    MariaDbClient db = MariaDbClient.of(ctx, host);
    if (!db.acceptsConnections()) return false;
    try {
      return "1".equals(db.value("SELECT 1"));
    } catch (StepFailure notYet) {
      // Listening is not ready: InnoDB recovery can still refuse logins for a while.
      return false;
    }
  }

  /** Waits until the server answers; fails early when the service stops running. Returns the milliseconds waited. */
  static long awaitUp(Host host, ServiceController service, HostTransport transport, StepContext ctx, Duration timeout)
      throws StepFailure, InterruptedException {
    long t0 = System.nanoTime();
    if (host.db().isEmpty()) {
      ctx.log().warn("host " + host.name() + " has no db: block: waiting only for the service manager to report it running");
    }
    int[] checks = {0};
    Boolean up = Poll.until(ctx, timeout, INTERVAL, () -> {
      if (answers(host, ctx) && (host.db().isPresent() || service.status(transport, ctx).running())) return true;
      // Every few polls, make sure the service has not died while we wait for it.
      if (++checks[0] % 8 == 0 && !service.status(transport, ctx).running()) {
        throw StepFailure.fatal("host " + host.name() + ": the database service stopped while starting ("
            + service.status(transport, ctx).detail() + ")", "read the MariaDB error log on the host");
      }
      return null;
    });
    if (up == null) {
      throw new StepFailure("host " + host.name() + ": the database did not answer within " + Durations.format(timeout)
          + " after starting", true, "read the MariaDB error log on the host (crash recovery of a large datadir can take longer: raise waitTimeout)", null);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** Waits until the service manager reports the service not running. */
  static void awaitDown(Host host, ServiceController service, HostTransport transport, StepContext ctx, Duration timeout)
      throws StepFailure, InterruptedException {
    Boolean down = Poll.until(ctx, timeout, INTERVAL, () -> service.status(transport, ctx).running() ? null : true);
    if (down == null) {
      throw new StepFailure("host " + host.name() + ": the database service still runs " + Durations.format(timeout)
          + " after the stop command (" + service.status(transport, ctx).detail() + ")", true,
          "a large buffer pool can take long to flush: raise waitTimeout, or look at the server's error log", null);
    }
  }
}
