package io.runbook.engine.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.journal.Json;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import java.lang.reflect.RecordComponent;
import java.util.Optional;

/**
 * The JSON Schemas (draft 2020-12) of runbooks and inventories, generated from the registered step types' input
 * records and the inventory records, so editors complete and check what the validator will accept. A step's
 * {@code use:} selects the schema its {@code with:} is checked against.
 */
public final class JsonSchemas {
  public static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";
  static final String PARAM_TYPE = "^(string|int|bool|duration|timestamp|enum|host|regex|list<\\s*(string|int|bool|duration|timestamp|enum|host|regex)\\s*>)$";
  static final String ID = "^[A-Za-z0-9_]+(-[A-Za-z0-9_]+)*$";

  private JsonSchemas() {}

  /** The runbook schema for the step types in {@code registry}. */
  public static String runbook(StepRegistry registry) {
    RecordSchema with = new RecordSchema(true);
    ObjectNode root = RecordSchema.F.objectNode();
    root.put("$schema", DRAFT);
    root.put("$id", "https://runbook.io/schemas/runbook.schema.json");
    root.put("title", "runbook");
    root.put("description", "A runbook: typed steps run in order, validated completely before anything runs.");
    root.put("type", "object");
    ObjectNode props = root.putObject("properties");
    props.putObject("runbook").put("type", "string").put("pattern", ID).put("description", "The runbook's name");
    props.putObject("summary").put("type", "string").put("description", "One line: what the runbook is for");
    props.putObject("description").put("type", "string").put("description", "Longer notes for operators");
    props.putObject("params").put("type", "object").put("description", "Parameters by name")
        .putObject("additionalProperties").put("$ref", "#/$defs/param");
    props.putObject("steps").put("type", "array").put("minItems", 1).put("description", "The steps, in order")
        .putObject("items").put("$ref", "#/$defs/step");
    props.putObject("outputs").put("type", "object")
        .put("description", "What a runbook that calls this one (use: runbook) sees: name -> ${{ expression }}")
        .putObject("additionalProperties").put("type", "string");
    props.putObject("verify").put("type", "array")
        .put("description", "Checks `runbook drill` runs after the steps (ignored by `runbook run`)")
        .putObject("items").put("$ref", "#/$defs/verify");
    root.putArray("required").add("runbook").add("steps");
    root.put("additionalProperties", false);

    ObjectNode defs = root.putObject("$defs");
    defs.putObject("template").put("type", "string").put("pattern", "\\$\\{\\{")
        .put("description", "A ${{ expression }} evaluated right before the step runs");
    defs.set("param", param());
    defs.set("verify", verify());
    defs.set("step", step(registry));
    defs.set("with." + Runbook.CALL, callInputs());
    for (StepType<?, ?> t : registry.all()) {
      ObjectNode input = with.record(t.inputType());
      if (!input.has("description")) input.put("description", "Inputs of " + t.name());
      defs.set("with." + t.name(), input);
    }
    return write(root);
  }

  /** The inventory schema: an environment's cloud and hosts. */
  public static String inventory() {
    RecordSchema plain = new RecordSchema(false);
    ObjectNode root = plain.record(Inventory.class);
    ObjectNode out = RecordSchema.F.objectNode();
    out.put("$schema", DRAFT);
    out.put("$id", "https://runbook.io/schemas/inventory.schema.json");
    out.put("title", "inventory");
    out.setAll(root);
    // Hosts are keyed by name: the name comes from the key, so it is not written inside.
    ObjectNode host = plain.record(Host.class);
    ((ObjectNode) host.get("properties")).remove("name");
    ArrayNode required = RecordSchema.F.arrayNode();
    for (RecordComponent rc : Host.class.getRecordComponents()) {
      if (rc.getType() != Optional.class && !rc.getName().equals("name")) required.add(rc.getName());
    }
    host.set("required", required);
    ((ObjectNode) out.get("properties")).putObject("hosts").put("type", "object").put("description", "Hosts by name")
        .set("additionalProperties", host);
    ArrayNode req = out.putArray("required");
    req.add("inventory");
    req.add("hosts");
    out.remove("additionalProperties");
    out.put("additionalProperties", false);
    return write(out);
  }

  /** The inputs of {@code use: runbook}: which runbook to call and its params (checked against its declarations). */
  private static ObjectNode callInputs() {
    ObjectNode in = RecordSchema.F.objectNode();
    in.put("type", "object");
    in.put("description", "Calls another runbook as a nested group");
    ObjectNode p = in.putObject("properties");
    p.putObject("name").put("type", "string")
        .put("description", "A shipped runbook's name, ./runbooks/NAME.yaml, or a path relative to this file");
    p.putObject("params").put("type", "object").put("description", "The called runbook's params");
    in.putArray("required").add("name");
    in.put("additionalProperties", false);
    return in;
  }

  /** One verify check: {sql, on, expect, because}, {that, because} or {use, on, that, because}. */
  private static ObjectNode verify() {
    ObjectNode v = RecordSchema.F.objectNode();
    v.put("type", "object").put("additionalProperties", false);
    ObjectNode p = v.putObject("properties");
    p.putObject("sql").put("type", "string").put("description", "A query; the first column of its first row is compared to expect");
    p.putObject("params").put("type", "array").put("description", "Values bound to the ? marks of sql, in order");
    p.putObject("on").put("type", "string").put("description",
        "The host whose database the query runs on, or an expression giving a list of hosts: the check must hold on each");
    p.putObject("expect").put("description", "The value the query must return (a literal or ${{ expression }})");
    p.putObject("that").put("type", "string").put("description",
        "An expression over params and step outputs (with use: also the step's outputs, as result) that must be true");
    p.putObject("use").put("type", "string").put("description",
        "A read-only step type run without inputs on each host of on (e.g. db.status); that judges its outputs");
    p.putObject("because").put("type", "string").put("description", "The promise this check stands for, printed in the drill report");
    v.putArray("required").add("because");
    ArrayNode oneOf = v.putArray("oneOf");
    oneOf.addObject().putArray("required").add("sql").add("on").add("expect");
    ObjectNode expression = oneOf.addObject();
    expression.putArray("required").add("that");
    expression.putObject("not").putArray("required").add("use");
    oneOf.addObject().putArray("required").add("use").add("on").add("that");
    return v;
  }

  private static ObjectNode param() {
    ObjectNode typeName = RecordSchema.F.objectNode().put("type", "string").put("pattern", PARAM_TYPE);
    ObjectNode decl = RecordSchema.F.objectNode();
    decl.put("type", "object");
    ObjectNode p = decl.putObject("properties");
    p.set("type", typeName.deepCopy().put("description", "string, int, bool, duration, timestamp, enum, host, regex (checked to compile) or list<T>"));
    p.putObject("required").put("type", "boolean").put("description", "The operator must give it (no default)");
    p.putObject("default").put("description", "The value when none is given");
    p.putObject("pattern").put("type", "string").put("description", "A regular expression the value must match");
    p.putObject("description").put("type", "string");
    p.putObject("secret").put("type", "boolean").put("description", "The value is a secret reference, redacted everywhere");
    p.putObject("values").put("type", "array").put("description", "The allowed values of an enum")
        .putObject("items").put("type", "string");
    decl.put("additionalProperties", false);
    ObjectNode either = RecordSchema.F.objectNode();
    either.put("description", "A parameter: a declaration, or just its type");
    either.putArray("oneOf").add(typeName).add(decl);
    return either;
  }

  private static ObjectNode step(StepRegistry registry) {
    ObjectNode s = RecordSchema.F.objectNode();
    s.put("type", "object");
    s.put("description", "A typed step (use + with) or a group (steps); either may loop with foreach");
    ObjectNode p = s.putObject("properties");
    p.putObject("id").put("type", "string").put("pattern", ID).put("description", "Unique across the whole runbook");
    ArrayNode names = p.putObject("use").put("description", "The step type").putArray("enum");
    names.add(Runbook.CALL);
    registry.names().forEach(names::add);
    p.putObject("with").put("type", "object").put("description", "The step type's inputs; values may be ${{ }} templates");
    p.putObject("on").put("type", "string").put("description", "The inventory host the step acts on");
    p.putObject("when").put("type", "string").put("description", "Run only when this condition holds");
    ObjectNode require = RecordSchema.F.objectNode().put("type", "object");
    ObjectNode rp = require.putObject("properties");
    rp.putObject("that").put("type", "string").put("description", "The condition, checked right before the step");
    rp.putObject("because").put("type", "string").put("description", "Why it must hold (shown when it does not); ${{ }} templates are filled in");
    require.putArray("required").add("that");
    require.put("additionalProperties", false);
    p.putObject("require").put("description", "Preconditions").putArray("anyOf")
        .add(require).add(RecordSchema.F.objectNode().put("type", "array").set("items", require.deepCopy()));
    ObjectNode retry = p.putObject("retry").put("type", "object").put("description", "Retry of retryable failures");
    retry.putObject("properties").<ObjectNode>set("attempts", RecordSchema.F.objectNode().put("type", "integer").put("minimum", 1))
        .set("backoff", RecordSchema.F.objectNode().put("type", "string").put("description", "First wait, doubled each time"));
    retry.put("additionalProperties", false);
    p.putObject("timeout").put("type", "string").put("description", "Stop the step after this long, e.g. 30s, 5m");
    p.putObject("foreach").put("description", "Run once per item of this list").putArray("anyOf")
        .add(RecordSchema.F.objectNode().put("type", "string")).add(RecordSchema.F.objectNode().put("type", "array"));
    p.putObject("as").put("type", "string").put("description", "The item's name inside the loop (default: item)");
    p.putObject("parallel").put("type", "boolean").put("description", "Run the items at the same time");
    p.putObject("maxParallel").put("type", "integer").put("minimum", 1).put("description", "At most this many at a time");
    p.putObject("steps").put("type", "array").put("description", "A group's steps").putObject("items").put("$ref", "#/$defs/step");
    p.putObject("confirm").put("type", "boolean").put("description", "Ask before running (unless --yes)");
    s.putArray("required").add("id");
    s.put("additionalProperties", false);
    ArrayNode byType = s.putArray("allOf");
    ObjectNode call = byType.addObject();
    ObjectNode callIf = call.putObject("if");
    callIf.putObject("properties").putObject("use").put("const", Runbook.CALL);
    callIf.putArray("required").add("use");
    ObjectNode callThen = call.putObject("then");
    callThen.putObject("properties").putObject("with").put("$ref", "#/$defs/with." + Runbook.CALL);
    callThen.putArray("required").add("with");
    for (StepType<?, ?> t : registry.all()) {
      ObjectNode rule = byType.addObject();
      ObjectNode cond = rule.putObject("if");
      cond.putObject("properties").putObject("use").put("const", t.name());
      cond.putArray("required").add("use");
      ObjectNode then = rule.putObject("then");
      then.putObject("properties").putObject("with").put("$ref", "#/$defs/with." + t.name());
      boolean needsWith = false;
      for (RecordComponent rc : t.inputType().getRecordComponents()) needsWith |= rc.getType() != Optional.class;
      if (needsWith) then.putArray("required").add("with");
    }
    return s;
  }

  private static String write(ObjectNode root) {
    try {
      return Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
