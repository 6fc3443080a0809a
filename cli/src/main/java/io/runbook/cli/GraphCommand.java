package io.runbook.cli;

import io.runbook.engine.model.Runbook;
import io.runbook.engine.registry.StepRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook graph NAME}: the runbook's steps as a Mermaid flowchart. */
@Command(name = "graph", description = "Print a runbook's steps as a Mermaid flowchart (foreach and parallel groups as subgraphs).")
final class GraphCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME|FILE", description = "A shipped runbook's name or a runbook file")
  String runbook;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec);
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    Optional<Runbook> rb = DescribeCommand.load(runbook, registry, console);
    if (rb.isEmpty()) return 2;
    String mermaid = MermaidGraph.of(rb.get(), registry);
    console.result("graph", Console.fields("runbook", rb.get().name(), "format", "mermaid", "text", mermaid), mermaid);
    return 0;
  }
}
