package io.runbook.engine.load;

import io.runbook.engine.model.Problem;
import io.runbook.engine.model.SourcePos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML node tree turned into plain values (String, Long, Double, Boolean, null, List, Map) with the position
 * of every key and value by path ({@code steps[2].with.disk}). Duplicate keys and unsupported tags are problems.
 */
final class PlainTree {
  final String file;
  final Map<String, SourcePos> keyPos = new HashMap<>();
  final Map<String, SourcePos> valuePos = new HashMap<>();
  final List<Problem> problems = new ArrayList<>();

  private final List<String> lines;

  PlainTree(String file) { this(file, null); }

  /** {@code text}: the source, to place block scalars' text exactly. */
  PlainTree(String file, String text) {
    this.file = file;
    this.lines = text == null ? null : List.of(text.split("\r?\n", -1));
  }

  /** Where the key at {@code path} was written; falls back to its value, then to the file start. */
  SourcePos keyAt(String path) {
    SourcePos p = keyPos.get(path);
    return p != null ? p : valueAt(path);
  }

  /** Where the value at {@code path} starts (inside quotes for quoted scalars). */
  SourcePos valueAt(String path) {
    SourcePos p = valuePos.get(path);
    if (p != null) return p;
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut > 0 ? valueAt(path.substring(0, cut)) : new SourcePos(file, 1, 1);
  }

  void problem(SourcePos pos, String message) { problems.add(new Problem(pos, message)); }

  static String join(String path, String key) { return path.isEmpty() ? key : path + "." + key; }

  Object convert(Node node, String path) {
    valuePos.put(path, YamlSource.contentPos(file, node, lines));
    if (node instanceof ScalarNode s) return scalar(s);
    if (node instanceof SequenceNode seq) {
      List<Object> out = new ArrayList<>();
      List<Node> items = seq.getValue();
      for (int i = 0; i < items.size(); i++) out.add(convert(items.get(i), path + "[" + i + "]"));
      return out;
    }
    MappingNode map = (MappingNode) node;
    Map<String, Object> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      Node k = t.getKeyNode();
      SourcePos kp = YamlSource.pos(file, k);
      if (!(k instanceof ScalarNode ks)) {
        problem(kp, "a key must be a plain name, not a " + (k instanceof SequenceNode ? "list" : "map"));
        continue;
      }
      if (k.getTag().equals(Tag.MERGE)) {
        problem(kp, "merge keys (<<) are not supported; write the keys out");
        continue;
      }
      String key = ks.getValue();
      String childPath = join(path, key);
      if (out.containsKey(key)) {
        problem(kp, "duplicate key '" + key + "' (first written at line " + keyPos.get(childPath).line() + ")");
        continue;
      }
      keyPos.put(childPath, kp);
      out.put(key, convert(t.getValueNode(), childPath));
    }
    return out;
  }

  private Object scalar(ScalarNode s) {
    String v = s.getValue();
    Tag tag = s.getTag();
    if (tag.equals(Tag.STR)) return v;
    if (tag.equals(Tag.NULL)) return null;
    if (tag.equals(Tag.BOOL)) return Boolean.parseBoolean(v.toLowerCase());
    if (tag.equals(Tag.INT)) {
      try {
        String t = v.replace("_", "");
        if (t.startsWith("0x")) return Long.parseLong(t.substring(2), 16);
        if (t.startsWith("0o")) return Long.parseLong(t.substring(2), 8);
        return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
      } catch (NumberFormatException e) {
        problem(YamlSource.pos(file, s), "number " + v + " is too large");
        return null;
      }
    }
    if (tag.equals(Tag.FLOAT)) {
      String t = v.toLowerCase();
      if (t.endsWith(".inf")) return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      if (t.equals(".nan")) return Double.NaN;
      return Double.parseDouble(t);
    }
    problem(YamlSource.pos(file, s), "YAML tag " + tag + " is not supported here; write a plain value");
    return v;
  }
}
