package io.runbook.engine.registry;

import io.runbook.engine.spi.StepType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A team's jar of step types: loaded with {@link ServiceLoader} on a class loader of its own (its parent is the
 * engine's), so a plugin sees the SPI but not another plugin. Every way a plugin can be broken (no such file, a
 * class that is missing or does not load, bad metadata) becomes a problem naming the jar, never an exception.
 */
final class PluginJar {
  static final String SERVICES = "META-INF/services/" + StepType.class.getName();
  /** Names like {@code acme.ticket.open}: lowercase words with dashes, at least two of them, dot-separated. */
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+");

  /** The step types a jar provides and the problems found while loading it. */
  record Loaded(List<StepType<?, ?>> types, List<String> problems) {}

  private PluginJar() {}

  static Loaded load(Path jar, ClassLoader parent) {
    List<StepType<?, ?>> types = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String label = "plugin " + jar.getFileName();
    if (!Files.isRegularFile(jar)) {
      problems.add(label + ": " + (Files.isDirectory(jar) ? jar + " is a directory, not a jar" : "no such file " + jar)
          + "; the plugin is not loaded");
      return new Loaded(types, problems);
    }
    URLClassLoader loader;
    Set<String> own;
    try {
      loader = new URLClassLoader("plugin-" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, parent);
      own = providerNames(loader);
    } catch (IOException e) {
      problems.add(label + ": cannot read " + jar + " (" + e.getMessage() + "); the plugin is not loaded");
      return new Loaded(types, problems);
    }
    if (own.isEmpty()) {
      problems.add(label + ": lists no step types; add their class names to " + SERVICES + " in the jar");
      return new Loaded(types, problems);
    }
    // The loader also sees the engine's built-ins through its parent: only this jar's own providers are taken.
    Set<String> found = new LinkedHashSet<>();
    var it = ServiceLoader.load(StepType.class, loader).stream().iterator();
    while (true) {
      ServiceLoader.Provider<StepType> provider;
      try {
        if (!it.hasNext()) break;
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        String msg = String.valueOf(e.getMessage());
        own.stream().filter(msg::contains).findFirst().ifPresent(name -> problems.add(label + ": step type class "
            + name + " is listed in " + SERVICES + " but " + (msg.endsWith(" not found") ? "is not in the jar"
                : "could not be loaded: " + broken(e)) + "; the jar's other step types are loaded"));
        continue;
      }
      String className = provider.type().getName();
      if (!own.contains(className)) continue;
      found.add(className);
      try {
        StepType<?, ?> type = provider.get();
        String bad = badMetadata(type);
        if (bad != null) problems.add(label + ": step type " + className + " " + bad + "; it is not loaded");
        else types.add(type);
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        problems.add(label + ": step type " + className + " could not be created: " + broken(e));
      }
    }
    for (String name : own) {
      if (!found.contains(name) && problems.stream().noneMatch(p -> p.contains(name))) {
        problems.add(label + ": step type class " + name + " is listed in " + SERVICES + " but could not be loaded");
      }
    }
    return new Loaded(types, problems);
  }

  /** The class names the jar itself lists as step types (not those of the parent class loader). */
  private static Set<String> providerNames(URLClassLoader loader) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    Enumeration<URL> files = loader.findResources(SERVICES);
    while (files.hasMoreElements()) {
      URL url = files.nextElement();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          String name = line.replaceFirst("#.*", "").trim();
          if (!name.isEmpty()) names.add(name);
        }
      }
    }
    return names;
  }

  private static String broken(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String what = root instanceof ClassNotFoundException || root instanceof NoClassDefFoundError
        ? "class not found: " + root.getMessage() : root.toString();
    if (e == root) return what;
    String msg = String.valueOf(e.getMessage()).replace(StepType.class.getName() + ": ", "");
    return msg + " (" + what + ")";
  }

  /** What is wrong with the type's metadata, or null: the validator, schema and docs rely on all of it. */
  static String badMetadata(StepType<?, ?> type) {
    String name;
    try {
      name = type.name();
      if (name == null || name.isBlank()) return "has no name";
      if (!NAME.matcher(name).matches()) {
        return "has the name '" + name + "'; a name is lowercase words separated by dots, like acme.ticket.open";
      }
      if (type.inputType() == null || !type.inputType().isRecord()) {
        return "(" + name + ") has input type " + (type.inputType() == null ? "null" : type.inputType().getName())
            + "; inputs must be a Java record";
      }
      Class<?> out = type.outputType();
      if (out != null && out != Void.class && !out.isRecord()) {
        return "(" + name + ") has output type " + out.getName() + "; outputs must be a Java record (or Void)";
      }
      if (type.effect() == null) return "(" + name + ") declares no effect (READS, CHANGES or DESTROYS)";
    } catch (RuntimeException | LinkageError e) {
      return "fails to describe itself: " + broken(e);
    }
    return null;
  }
}
