package io.runbook.engine.load;

import io.runbook.engine.model.Problem;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.util.FileErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads one YAML document into a node tree that keeps positions, refusing what a runbook or inventory never
 * needs and an attacker might send: non-UTF-8 bytes, huge files, deep nesting, alias bombs, several documents.
 */
final class YamlSource {
  static final int MAX_BYTES = 2 * 1024 * 1024;
  static final int MAX_DEPTH = 40;
  static final int MAX_ALIASES = 20;

  private YamlSource() {}

  /** A file's text and the root node of its single document (empty when the file holds no document). */
  record Document(String text, Optional<Node> root) {}

  /** The root node of the file's single document; empty when the file holds no document. */
  static Optional<Node> read(Path file) throws ValidationException { return document(file).root(); }

  static Document document(Path file) throws ValidationException {
    String label = file.toString();
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ValidationException(new Problem(new SourcePos(label, 1, 1),
            "file is larger than " + MAX_BYTES / 1024 + " KiB; a runbook or inventory is never that big"));
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ValidationException(new Problem(new SourcePos(label, 0, 0), "cannot read the file: " + FileErrors.describe(e)));
    }
    String text = decode(label, bytes);
    return new Document(text, parse(label, text));
  }

  static Optional<Node> parse(String label, String text) throws ValidationException {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(label)
        .setUseMarks(true)
        .setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setAllowRecursiveKeys(false)
        .setCodePointLimit(MAX_BYTES)
        .build();
    DepthLimited parser = new DepthLimited(new ParserImpl(settings, new StreamReader(settings, text)));
    try {
      return new Composer(settings, parser).getSingleNode();
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
      SourcePos pos = mark.map(m -> new SourcePos(label, m.getLine() + 1, m.getColumn() + 1)).orElse(new SourcePos(label, 1, 1));
      String what = oneLine(e.getProblem() == null ? e.getMessage() : e.getProblem());
      if (e.getContext() != null && !e.getContext().isBlank()) {
        what += " (" + oneLine(e.getContext()) + e.getContextMark().filter(m -> e.getProblemMark().isPresent())
            .map(m -> " that starts at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("") + ")";
      }
      throw new ValidationException(new Problem(pos, "YAML: " + what));
    } catch (ReaderException e) {
      throw new ValidationException(unprintable(label, text, e));
    } catch (YamlEngineException e) {
      // Errors without a mark (too many aliases): point at the last event read.
      throw new ValidationException(new Problem(new SourcePos(label, parser.line, parser.col), "YAML: " + oneLine(e.getMessage())));
    } catch (DepthExceeded e) {
      throw new ValidationException(new Problem(new SourcePos(label, e.line, e.col),
          "YAML: nested more than " + MAX_DEPTH + " levels deep"));
    }
  }

  /** Where the first character YAML does not allow (a control character) is, and which one it is. */
  private static Problem unprintable(String label, String text, ReaderException e) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!StreamReader.isPrintable(cp)) {
        return new Problem(new SourcePos(label, line, col), "YAML: the character U+" + String.format("%04X", cp)
            + " is not allowed in a YAML file (a control character); remove it or write it as an escape in a"
            + " double-quoted string, e.g. \\u" + String.format("%04X", cp).toLowerCase(java.util.Locale.ROOT));
      }
      if (cp == '\n') { line++; col = 1; } else { col++; }
      i += Character.charCount(cp);
    }
    return new Problem(new SourcePos(label, 1, 1), "YAML: " + oneLine(e.getMessage()));
  }

  private static String oneLine(String s) { return s == null ? "malformed" : s.replaceAll("\\s*\\n\\s*", " ").trim(); }

  /** Strict UTF-8: the first invalid byte is reported with its line and column. */
  private static String decode(String label, byte[] bytes) throws ValidationException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      int bad = firstInvalid(bytes);
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < bad; i++) {
        if (bytes[i] == '\n') { line++; lineStart = i + 1; }
      }
      String before = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8);
      throw new ValidationException(new Problem(new SourcePos(label, line, before.codePointCount(0, before.length()) + 1),
          "the file is not valid UTF-8 (byte 0x" + String.format("%02X", bytes[bad] & 0xff)
              + "); save it as UTF-8"));
    }
  }

  private static int firstInvalid(byte[] bytes) {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    var out = java.nio.CharBuffer.allocate(bytes.length + 1);
    var result = decoder.decode(in, out, true);
    return result.isError() ? in.position() : 0;
  }

  /** Where a node starts, 1-based. */
  static SourcePos pos(String file, Node node) {
    return node.getStartMark().map(m -> new SourcePos(file, m.getLine() + 1, m.getColumn() + 1))
        .orElse(new SourcePos(file, 0, 0));
  }

  /**
   * Where a scalar's text starts: past the opening quote of a quoted scalar, so an offset into the value maps to
   * a column (exact for single-line scalars without escapes).
   */
  static SourcePos contentPos(String file, Node node, List<String> lines) {
    SourcePos p = pos(file, node);
    if (node instanceof ScalarNode s
        && (s.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED || s.getScalarStyle() == ScalarStyle.SINGLE_QUOTED)) {
      return new SourcePos(file, p.line(), p.col() + 1);
    }
    if (node instanceof ScalarNode s && (s.getScalarStyle() == ScalarStyle.LITERAL || s.getScalarStyle() == ScalarStyle.FOLDED)) {
      // The mark is the '|' or '>' indicator; the text starts at the first non-blank line below it.
      for (int i = p.line(); lines != null && i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank()) continue;
        int indent = 0;
        while (indent < line.length() && line.charAt(indent) == ' ') indent++;
        return new SourcePos(file, i + 1, indent + 1);
      }
      return new SourcePos(file, p.line() + 1, p.col());
    }
    return p;
  }

  private static final class DepthExceeded extends RuntimeException {
    final int line;
    final int col;

    DepthExceeded(int line, int col) {
      super(null, null, false, false);
      this.line = line;
      this.col = col;
    }
  }

  /** Stops composition before deep nesting can exhaust the stack (the composer recurses per level). */
  private static final class DepthLimited implements Parser {
    private final Parser inner;
    private int depth;
    int line = 1;
    int col = 1;

    DepthLimited(Parser inner) { this.inner = inner; }

    @Override
    public boolean checkEvent(Event.ID id) { return inner.checkEvent(id); }

    @Override
    public Event peekEvent() { return inner.peekEvent(); }

    @Override
    public boolean hasNext() { return inner.hasNext(); }

    @Override
    public Event next() {
      Event e = inner.next();
      e.getStartMark().ifPresent(m -> {
        line = m.getLine() + 1;
        col = m.getColumn() + 1;
      });
      switch (e.getEventId()) {
        case MappingStart, SequenceStart -> {
          if (++depth > MAX_DEPTH) {
            Mark m = e.getStartMark().orElse(null);
            throw new DepthExceeded(m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1);
          }
        }
        case MappingEnd, SequenceEnd -> depth--;
        default -> { }
      }
      return e;
    }
  }
}
