package io.runbook.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The header comments of a broken-corpus file (engine/src/test/resources/broken, read the same way as the engine's
 * BrokenCorpusTest): {@code # expect: LINE:COL fragment}, {@code # runbook: FILE}, {@code # cli: name=value},
 * {@code # absent: text}, and {@code # validate: LINE:COL fragment} for what {@code runbook validate} says instead
 * about a file it cannot classify (a bare list or an empty document).
 */
final class BrokenHeader {
  private BrokenHeader() {}

  /** The leading comment lines, without '#'. */
  static List<String> of(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).split("\n")) {
      if (!line.startsWith("#")) break;
      out.add(line.substring(1).trim());
    }
    return out;
  }

  /** Every value of a {@code key:} line. */
  static List<String> values(List<String> header, String key) {
    return header.stream().filter(h -> h.startsWith(key + ":")).map(h -> h.substring(key.length() + 1).trim()).toList();
  }

  static String value(List<String> header, String key) {
    List<String> v = values(header, key);
    if (v.isEmpty()) throw new AssertionError("the header has no '# " + key + ":' line");
    return v.get(0);
  }

  /** The expected problems as "LINE:COL fragment"; a file must expect at least one. */
  static List<String> expected(List<String> header, Path file) {
    List<String> e = values(header, "expect").stream().map(x -> x.contains(" ") ? x : x + " ").toList();
    if (e.isEmpty()) throw new AssertionError(file + " has no '# expect: LINE:COL fragment' header");
    return e;
  }
}
