package io.runbook.engine.load;

import io.runbook.engine.model.Problem;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.ValidationException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/** A {@code --params-file}: a YAML map of parameter name to value, with where each name was written. */
public record ParamsFile(Map<String, Object> values, Map<String, SourcePos> positions) {

  public static ParamsFile read(Path file) throws ValidationException {
    String label = file.toString();
    Node root = YamlSource.read(file).orElse(null);
    if (root == null) return new ParamsFile(Map.of(), Map.of());
    PlainTree tree = new PlainTree(label);
    Object value = tree.convert(root, "");
    if (!tree.problems.isEmpty()) throw new ValidationException(tree.problems);
    if (!(value instanceof Map<?, ?> map)) {
      throw new ValidationException(new Problem(tree.valueAt(""), "a params file is a map of parameter name to value"));
    }
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, SourcePos> positions = new HashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      values.put(name, e.getValue());
      positions.put(name, tree.keyAt(name));
    }
    return new ParamsFile(values, positions);
  }
}
