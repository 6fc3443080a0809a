package io.runbook.engine.registry;

import io.runbook.engine.spi.StepType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The step types known to this run: built-ins and plugins found with ServiceLoader, by name. */
public final class StepRegistry {
  private final Map<String, StepType<?, ?>> byName = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  public static StepRegistry load(ClassLoader loader) {
    StepRegistry r = new StepRegistry();
    ServiceLoader<StepType> sl = ServiceLoader.load(StepType.class, loader);
    for (var it = sl.iterator(); ; ) {
      try {
        if (!it.hasNext()) break;
        r.register(it.next());
      } catch (java.util.ServiceConfigurationError e) {
        r.problems.add("a step type could not be loaded: " + e.getMessage());
      }
    }
    return r;
  }

  public static StepRegistry ofTypes(StepType<?, ?>... types) {
    StepRegistry r = new StepRegistry();
    for (StepType<?, ?> t : types) r.register(t);
    return r;
  }

  public void register(StepType<?, ?> type) {
    StepType<?, ?> previous = byName.putIfAbsent(type.name(), type);
    if (previous != null && previous.getClass() != type.getClass()) {
      problems.add("step type " + type.name() + " is defined twice: " + previous.getClass().getName()
          + " and " + type.getClass().getName() + "; the first one is used");
    }
  }

  public Optional<StepType<?, ?>> find(String name) { return Optional.ofNullable(byName.get(name)); }

  public Collection<StepType<?, ?>> all() { return byName.values(); }

  public Collection<String> names() { return byName.keySet(); }

  /** Loading problems (broken or duplicate step types), reported without stopping the engine. */
  public List<String> problems() { return List.copyOf(problems); }
}
