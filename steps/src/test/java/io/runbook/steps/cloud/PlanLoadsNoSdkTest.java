package io.runbook.steps.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Validate and plan must stay fast: planning every cloud step type loads no Azure SDK class (checked in a fresh JVM). */
class PlanLoadsNoSdkTest {
  @Test
  void planningCloudStepsLoadsNoAzureSdkClass() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Xshare:auto", "-verbose:class", "-cp",
        System.getProperty("java.class.path"), PlanWithoutSdk.class.getName()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out.lines().filter(l -> !l.contains("[class,load]")).toList().toString());
    assertTrue(out.contains("planned 13"), "all 13 cloud step types planned");
    List<String> azure = out.lines().filter(l -> l.contains("[class,load] com.azure.")).toList();
    assertEquals(List.of(), azure, "Azure SDK classes loaded while planning");
  }
}
