package io.runbook.cli;

import io.runbook.engine.model.Problem;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.Runs;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.secret.Redactor;
import io.runbook.engine.secret.SecretResolver;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code runbook verify RUN_ID}: checks the promises of a finished run (its runbook's {@code verify:} section) against
 * the hosts as they are now, as {@code runbook drill} does after a sandbox run, but on the run's own inventory: after
 * a real DR, say. Only reads (SQL queries in a READ ONLY transaction, READS step types). Exit 0 when every check
 * holds, 1 when one does not, 2 when nothing could be checked.
 */
@Command(name = "verify", description = "Check a finished run's promises (its runbook's verify: section) against the"
    + " hosts as they are now; reads only.")
final class VerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run, e.g. 20261125-171501-ab12 (see runbook runs)")
  String runId;

  @Option(names = "--force", description = "Check a run that did not succeed too (its promises are not expected to hold)")
  boolean force;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec);
    StepRegistry registry = Session.registry(console);
    String nothing = "; nothing was checked";
    RecordedRun run;
    try {
      run = RecordedRun.read(Main.stateDir(main.stateDir), runId, registry);
    } catch (RecordedRun.Unreadable e) {
      console.error(e.getMessage() + nothing, e.hint);
      return 2;
    }
    String name = run.runbook().name();
    if (!run.succeeded() && !force) {
      console.error("run " + runId + " (" + name + ") did not succeed (status: " + run.status() + "): the promises of"
          + " its verify: section are not expected to hold" + nothing, "see where it stopped with: runbook show " + runId
          + "; finish it with: runbook resume " + runId + "; or check anyway with: runbook verify " + runId + " --force");
      return 2;
    }
    if (run.runbook().verify().isEmpty()) {
      console.error("runbook " + name + " (" + run.runbook().source() + ") of run " + runId + " has no verify: section"
          + nothing, "add the promises a run keeps under verify: (docs/authoring.md); runbook drill checks them too");
      return 2;
    }
    List<Problem> writers = VerifyChecks.notReadOnly(run.runbook().verify());
    if (!writers.isEmpty()) {
      writers.forEach(console::problem);
      console.stopped("verify checks the real hosts and only reads" + nothing);
      return 2;
    }
    run.changed().forEach(c -> console.warning(c + " changed since run " + runId + " started; checking the verify:"
        + " section and hosts as they are now"));
    Redactor redactor = new Redactor();
    Map<String, Object> params;
    try {
      // Secret parameters resolve as the run resolved them, registered for redaction in what the checks report.
      params = Runs.resolveSecretParams(run.runbook(), run.params(), new SecretResolver(redactor, System.getenv()));
    } catch (IllegalStateException e) {
      console.error(e.getMessage() + nothing, "set it as the run had it, then verify again");
      return 2;
    }
    List<VerifyChecks.Result> results;
    try (StandaloneStepContext ctx = StandaloneStepContext.builder().runId(runId).stepId("verify")
        .inventory(run.inventory()).redactor(redactor).build()) {
      results = VerifyChecks.ofRun(run.runDir(), run.runbook(), registry, run.inventory(), params, ctx);
    } catch (IOException e) {
      console.error("cannot read the journal of run " + runId + ": " + e.getMessage() + nothing, null);
      return 2;
    }
    return report(run, results, console);
  }

  /** The verify report: text for people, or one {@code verify} event (docs/json-output.md); returns the exit code. */
  private static int report(RecordedRun run, List<VerifyChecks.Result> results, Console console) {
    long failed = results.stream().filter(r -> !r.passed()).count();
    String verdict = failed == 0 ? "VERIFY PASSED: all " + results.size() + " check(s) hold"
        : "VERIFY FAILED: " + failed + " of " + results.size() + " check(s) failed";
    StringBuilder text = new StringBuilder("== verify run " + run.runId() + ": " + run.runbook().name() + "\n");
    text.append("run: ").append(run.status()).append('\n');
    List<Map<String, Object>> checks = VerifyChecks.report(results, text);
    text.append(verdict).append('\n');
    console.result("verify", Console.fields(
        "run", run.runId(),
        "runbook", run.runbook().name(),
        "status", run.status(),
        "passed", failed == 0,
        "checks", checks,
        "failed", failed,
        "verdict", verdict), text.toString());
    return failed == 0 ? 0 : 1;
  }
}
