package io.runbook.engine.registry;

import io.runbook.engine.model.Runbook;
import io.runbook.engine.spi.StepType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The step types known to this run, by name: the built-ins found with ServiceLoader, and the step types of the
 * plugin jars configured with {@link #usePlugins} ({@code <state-dir>/plugins/*.jar} and {@code --plugin JAR}).
 * Every command that lists, describes, validates or runs step types asks here.
 */
public final class StepRegistry {
  /** The plugin jars every later {@link #load(ClassLoader)} adds; set once by the command line. */
  private static volatile List<Path> configuredPlugins = List.of();

  private final Map<String, StepType<?, ?>> byName = new TreeMap<>();
  private final Map<String, Path> pluginOf = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  /** The plugin jars that {@link #load(ClassLoader)} loads from now on, in this order. */
  public static void usePlugins(List<Path> jars) { configuredPlugins = List.copyOf(jars); }

  /** The plugin jars in a folder ({@code <state-dir>/plugins}), sorted by name; none when it does not exist. */
  public static List<Path> pluginsIn(Path folder) {
    if (!Files.isDirectory(folder)) return List.of();
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The built-ins visible to {@code loader}, and the configured plugin jars. */
  public static StepRegistry load(ClassLoader loader) {
    return load(loader, configuredPlugins);
  }

  /**
   * The built-ins visible to {@code loader}, then each plugin jar on a class loader of its own. A broken plugin,
   * or one that defines a name already taken, is reported in {@link #problems()} and leaves the rest working.
   */
  public static StepRegistry load(ClassLoader loader, List<Path> pluginJars) {
    StepRegistry r = builtIns(loader);
    for (Path jar : pluginJars) {
      PluginJar.Loaded loaded = PluginJar.load(jar, loader);
      r.problems.addAll(loaded.problems());
      for (StepType<?, ?> t : loaded.types()) {
        StepType<?, ?> taken = r.byName.get(t.name());
        if (taken != null || t.name().equals(Runbook.CALL)) {
          Path other = r.pluginOf.get(t.name());
          r.problems.add("plugin " + jar.getFileName() + ": step type " + t.name() + " (" + t.getClass().getName()
              + ") is already defined by " + (other != null ? "plugin " + other.getFileName()
                  : taken != null ? "the engine (" + taken.getClass().getName() + ")" : "the engine")
              + "; the plugin's is not used: rename it, e.g. with your team's prefix");
          continue;
        }
        r.byName.put(t.name(), t);
        r.pluginOf.put(t.name(), jar);
      }
    }
    return r;
  }

  private static StepRegistry builtIns(ClassLoader loader) {
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

  /** The plugin jar a step type came from; empty for a built-in. */
  public Optional<Path> pluginOf(String name) { return Optional.ofNullable(pluginOf.get(name)); }

  public Optional<StepType<?, ?>> find(String name) { return Optional.ofNullable(byName.get(name)); }

  public Collection<StepType<?, ?>> all() { return byName.values(); }

  public Collection<String> names() { return byName.keySet(); }

  /** Loading problems (broken or duplicate step types), reported without stopping the engine. */
  public List<String> problems() { return List.copyOf(problems); }
}
