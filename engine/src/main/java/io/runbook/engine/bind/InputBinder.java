package io.runbook.engine.bind;

import java.util.stream.Collectors;

/**
 * Binds a rendered {@code with:} tree into a step type's input record. A missing {@code with:} binds as an
 * empty map, so a step whose inputs are all optional needs none.
 */
public final class InputBinder {
  private InputBinder() {}

  public static <I> I bind(Object rendered, Class<I> recordType) {
    RecordBinder binder = new RecordBinder();
    Object value = binder.bind(rendered == null ? java.util.Map.of() : rendered, recordType, "");
    if (!binder.problems().isEmpty() || value == null) {
      throw new IllegalArgumentException(binder.problems().stream()
          .map(p -> p.path().isEmpty() ? "with: " + p.message() : "input '" + p.path() + "': " + p.message())
          .collect(Collectors.joining("; ")));
    }
    return recordType.cast(value);
  }
}
