package io.runbook.engine.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a runbook NAME is found: next to the caller (and its parts/) first for a call, then the shipped ones. */
class RunbookLocatorTest {
  @TempDir Path dir;

  Path file(String relative) throws Exception {
    Path f = dir.resolve(relative);
    Files.createDirectories(f.getParent());
    return Files.writeString(f, "runbook: x\n");
  }

  @Test
  void aCallFindsItsPartNextToItThenTheShippedPartsThenSaysWhereItLooked() throws Exception {
    RunbookLocator locator = new RunbookLocator(Optional.of(dir.resolve("home")));
    Path shippedPart = file("home/runbooks/parts/safe-stop.yaml");
    Path shipped = file("home/runbooks/dr-pitr.yaml");
    Path mine = dir.resolve("work/runbooks");
    Files.createDirectories(mine);

    assertEquals(Optional.of(shippedPart), locator.resolveCall("safe-stop", mine, new ArrayList<>()), "the shipped part");
    assertEquals(Optional.of(shippedPart), locator.resolveCall("safe-stop", shipped.getParent(), new ArrayList<>()),
        "a shipped runbook finds the part beside it");
    Path copy = file("work/runbooks/parts/safe-stop.yaml");
    assertEquals(Optional.of(copy), locator.resolveCall("safe-stop", mine, new ArrayList<>()), "a copy next to the caller wins");
    Path sibling = file("work/runbooks/safe-stop.yaml");
    assertEquals(Optional.of(sibling), locator.resolveCall("safe-stop", mine, new ArrayList<>()), "NAME.yaml before parts/");
    assertEquals(Optional.of(shippedPart), locator.resolve("safe-stop", dir, new ArrayList<>()),
        "the command line looks where run looks: the shipped runbooks and their parts");

    List<String> tried = new ArrayList<>();
    assertTrue(locator.resolveCall("nope", mine, tried).isEmpty());
    assertEquals(List.of(mine.resolve("nope.yaml").toString(), mine.resolve("parts/nope.yaml").toString(),
        dir.resolve("home/runbooks/nope.yaml").toString(), dir.resolve("home/runbooks/parts/nope.yaml").toString(),
        "runbooks/nope.yaml", "runbooks/parts/nope.yaml"), tried);
  }
}
