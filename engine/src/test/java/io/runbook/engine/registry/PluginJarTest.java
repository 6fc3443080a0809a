package io.runbook.engine.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars, compiled and packed by the test: their step types join the registry on a class loader of their
 * own, and every kind of broken plugin is a problem naming the jar, never an exception.
 */
class PluginJarTest {
  @TempDir Path tmp;

  static String stepType(String className, String name, String inputType) {
    String input = inputType.equals("Input") ? className + ".Input" : inputType;
    return """
        package acme;
        import io.runbook.engine.spi.*;
        public final class %s implements StepType<%s, %s.Output> {
          public record Input(String text) {}
          public record Output(String text) {}
          public String name() { return %s; }
          public Class<%s> inputType() { return %s.class; }
          public Class<Output> outputType() { return Output.class; }
          public Effect effect() { return Effect.READS; }
          public Plan plan(%s in, StepContext ctx) { return Plan.none(); }
          public Output run(%s in, StepContext ctx) { return new Output(String.valueOf(in)); }
        }
        """.formatted(className, input, className, name == null ? "null" : "\"" + name + "\"", input, input, input, input);
  }

  /** Where the SPI classes are (a folder under target/ or a jar): the plugin compiles against them. */
  static String engineClasses() {
    try {
      return Path.of(StepType.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compiles the sources against the engine and packs them with a services file listing {@code providers}. */
  Path jar(String jarName, Map<String, String> sources, List<String> providers) throws IOException {
    Path src = Files.createDirectories(tmp.resolve(jarName + "-src/acme"));
    Path classes = Files.createDirectories(tmp.resolve(jarName + "-classes"));
    for (var e : sources.entrySet()) Files.writeString(src.resolve(e.getKey() + ".java"), e.getValue());
    List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-classpath",
        engineClasses(), "--release", "17"));
    try (Stream<Path> s = Files.list(src)) {
      s.forEach(p -> args.add(p.toString()));
    }
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
    Path jar = tmp.resolve(jarName + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
         Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry(PluginJar.SERVICES));
      out.write(String.join("\n", providers).concat("\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }

  @Test
  void aPluginsStepTypesJoinTheRegistryOnTheirOwnClassLoader() throws Exception {
    Path jar = jar("echo", Map.of("Echo", stepType("Echo", "acme.echo", "Input")), List.of("acme.Echo"));
    StepRegistry r = StepRegistry.load(getClass().getClassLoader(), List.of(jar));
    assertEquals(List.of(), r.problems());
    StepType<?, ?> echo = r.find("acme.echo").orElseThrow();
    assertEquals(jar, r.pluginOf("acme.echo").orElseThrow());
    assertNotSame(getClass().getClassLoader(), echo.getClass().getClassLoader());
    assertEquals(getClass().getClassLoader(), echo.getClass().getClassLoader().getParent());
    assertTrue(echo.inputType().isRecord());
  }

  @Test
  void brokenPluginsAreReportedByJarAndTheGoodOnesStillLoad() throws Exception {
    Path good = jar("good", Map.of("Echo", stepType("Echo", "acme.echo", "Input")), List.of("acme.Echo"));
    Path missing = jar("missing", Map.of("Fine", stepType("Fine", "acme.fine", "Input")),
        List.of("acme.Fine", "acme.Gone"));
    Path duplicate = jar("duplicate", Map.of("Echo2", stepType("Echo2", "acme.echo", "Input")), List.of("acme.Echo2"));
    Path badInput = jar("bad-input", Map.of("Loose", stepType("Loose", "acme.loose", "String")), List.of("acme.Loose"));
    Path noName = jar("no-name", Map.of("Nameless", stepType("Nameless", null, "Input")), List.of("acme.Nameless"));
    Path exploding = jar("exploding", Map.of("Exploding", stepType("Exploding", "acme.exploding", "Input")
        .replace("public String name()", "public Exploding() { throw new IllegalStateException(\"boom\"); }\n"
            + "  public String name()")), List.of("acme.Exploding"));
    Path notAJar = Files.writeString(tmp.resolve("notes.jar"), "not a zip");
    Path absent = tmp.resolve("absent.jar");

    StepRegistry r = StepRegistry.load(getClass().getClassLoader(),
        List.of(good, missing, duplicate, badInput, noName, exploding, notAJar, absent));
    assertTrue(r.find("acme.echo").isPresent());
    assertTrue(r.find("acme.fine").isPresent(), "the good type of a jar with a missing class still loads");
    assertEquals(good, r.pluginOf("acme.echo").orElseThrow(), "the first definition is kept");
    assertTrue(r.find("acme.loose").isEmpty());
    String all = String.join("\n", r.problems());
    assertTrue(all.contains("plugin missing.jar: step type class acme.Gone is listed in META-INF/services/"
        + "io.runbook.engine.spi.StepType but is not in the jar"), all);
    assertTrue(all.contains("plugin duplicate.jar: step type acme.echo (acme.Echo2) is already defined by plugin good.jar"),
        all);
    assertTrue(all.contains("plugin bad-input.jar: step type acme.Loose (acme.loose) has input type java.lang.String; "
        + "inputs must be a Java record"), all);
    assertTrue(all.contains("plugin no-name.jar: step type acme.Nameless has no name"), all);
    assertTrue(all.contains("plugin notes.jar: "), all);
    assertTrue(all.contains("plugin absent.jar: no such file"), all);
    assertTrue(all.contains("plugin exploding.jar: step type acme.Exploding could not be created: ")
        && all.contains("boom"), all);
    assertEquals(7, r.problems().size(), all);
  }

  @Test
  void aJarWithoutAServicesFileSaysSo() throws Exception {
    Path jar = tmp.resolve("empty.jar");
    try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      // an empty jar
    }
    StepRegistry r = StepRegistry.load(getClass().getClassLoader(), List.of(jar));
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).contains("plugin empty.jar: lists no step types"), r.problems().toString());
  }

  @Test
  void thePluginsInAFolderAreItsJarsByName() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plugins"));
    Files.writeString(dir.resolve("b.jar"), "");
    Files.writeString(dir.resolve("a.jar"), "");
    Files.writeString(dir.resolve("readme.txt"), "");
    assertEquals(List.of(dir.resolve("a.jar"), dir.resolve("b.jar")), StepRegistry.pluginsIn(dir));
    assertEquals(List.of(), StepRegistry.pluginsIn(tmp.resolve("none")));
  }
}
