package io.runbook.steps.host.service;

import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.HostTransport;
import java.util.Optional;

/** Starts, stops and asks about the database service on one host, the way that host runs it (compose, systemd...). */
public interface ServiceController {
  /** Whether the service runs, and what the service manager said. */
  record State(boolean running, String detail) {}

  /** The exact commands {@link #start} runs, for plans. */
  Plan planStart(String host);

  Plan planStop(String host);

  Plan planStatus(String host);

  void start(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException;

  void stop(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException;

  State status(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException;

  /** Where this kind's server reads the boot fence when the inventory names no {@code fenceFile}; empty: no default. */
  default Optional<String> defaultFenceFile(StepContext ctx) { return Optional.empty(); }
}
