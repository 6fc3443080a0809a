package io.runbook.cli;

import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.schema.JsonSchemas;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook schema [runbook|inventory]}: the JSON Schema editors use to complete and check YAML files. */
@Command(name = "schema", description = "Print the JSON Schema (draft 2020-12) of runbooks or inventories, generated"
    + " from the registered step types (the checked-in copies are in schemas/).")
final class SchemaCommand implements Callable<Integer> {
  /** Which schema. */
  enum Kind { runbook, inventory }

  @Parameters(index = "0", arity = "0..1", paramLabel = "runbook|inventory", description = "Which schema (default: runbook)")
  Kind kind = Kind.runbook;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // The schema is JSON already: printed as it is in both forms, and nothing else goes to stdout.
    PrintWriter out = spec.commandLine().getOut();
    out.print(generate(kind, StepRegistry.load(Main.class.getClassLoader())));
    out.flush();
    return 0;
  }

  static String generate(Kind kind, StepRegistry registry) {
    return kind == Kind.runbook ? JsonSchemas.runbook(registry) : JsonSchemas.inventory();
  }
}
