package io.runbook.engine.load;

import io.runbook.engine.bind.RecordBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.ValidationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads an inventory file into the inventory records. Each host's {@code name} comes from its key under
 * {@code hosts:}; secrets (passwords, passphrases, client secrets) must be references.
 */
public final class InventoryLoader {
  private InventoryLoader() {}

  public static Inventory load(Path file) throws ValidationException {
    String label = file.toString();
    var doc = YamlSource.document(file);
    var root = doc.root();
    if (root.isEmpty()) {
      throw new ValidationException(new Problem(new SourcePos(label, 1, 1), "the inventory file is empty"));
    }
    PlainTree tree = new PlainTree(label, doc.text());
    Object plain = tree.convert(root.get(), "");
    List<Problem> problems = new ArrayList<>(tree.problems);
    if (!(plain instanceof Map<?, ?> top)) {
      problems.add(new Problem(tree.valueAt(""), "an inventory is a map with the keys inventory, cloud and hosts"));
      throw new ValidationException(problems);
    }
    Map<String, Object> withNames = new LinkedHashMap<>();
    top.forEach((k, v) -> withNames.put(String.valueOf(k), v));
    if (top.get("hosts") instanceof Map<?, ?> hosts) {
      Map<String, Object> named = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : hosts.entrySet()) {
        String name = String.valueOf(e.getKey());
        Object host = e.getValue();
        if (host instanceof Map<?, ?> h) {
          Map<String, Object> copy = new LinkedHashMap<>();
          h.forEach((k, v) -> copy.put(String.valueOf(k), v));
          Object written = copy.get("name");
          if (written != null && !name.equals(String.valueOf(written))) {
            problems.add(new Problem(tree.valueAt("hosts." + name + ".name"), "host '" + name + "' has name '" + written
                + "'; the name comes from the key under hosts:, drop 'name'"));
          }
          copy.put("name", name);
          host = copy;
        }
        named.put(name, host);
      }
      withNames.put("hosts", named);
    }
    RecordBinder binder = new RecordBinder();
    Object inventory = binder.bind(withNames, Inventory.class, "");
    for (RecordBinder.BindProblem p : binder.problems()) {
      SourcePos pos = p.atKey() ? tree.keyAt(p.path()) : tree.valueAt(p.path());
      String where = p.path().isEmpty() ? "" : "'" + p.path() + "': ";
      problems.add(new Problem(pos, where + p.message()));
    }
    // On the plain tree: reported with the binder's problems, not only once those are fixed.
    for (InventoryRules.Violation v : InventoryRules.check(withNames)) {
      problems.add(new Problem(tree.valueAt(v.path()), "'" + v.path() + "': " + v.message()));
    }
    if (!problems.isEmpty() || inventory == null) throw new ValidationException(RunbookLoader.sorted(problems));
    return (Inventory) inventory;
  }
}
