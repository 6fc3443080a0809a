package io.runbook.engine.load;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.runbook.engine.model.Problem;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.testtypes.Note;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every damaged variant of a valid runbook (a line removed, the file cut short, a character changed) either loads
 * or fails with problems that carry a position: never with an unexpected exception.
 */
class MangledRunbookTest {
  @TempDir Path tmp;

  @Test
  void damagedRunbooksFailWithPositionsNeverWithExceptions() throws Exception {
    var inv = InventoryLoader.load(Path.of("src/test/resources/valid/inventory.yaml"));
    String source = Files.readString(Path.of("src/test/resources/valid/restore.yaml"));
    List<String> lines = List.of(source.split("\n"));
    List<String> variants = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      List<String> without = new ArrayList<>(lines);
      without.remove(i);
      variants.add(String.join("\n", without));
      variants.add(String.join("\n", lines.subList(0, i)));
    }
    String swaps = ":{}[]\"'$-, ";
    for (int at = 0; at < source.length(); at += 7) {
      char replacement = swaps.charAt(at % swaps.length());
      variants.add(source.substring(0, at) + replacement + source.substring(at + 1));
    }
    int failed = 0;
    for (int n = 0; n < variants.size(); n++) {
      Path f = tmp.resolve("v" + n + ".yaml");
      Files.writeString(f, variants.get(n));
      try {
        RunbookLoader.load(f, Note.registry(), Optional.of(inv));
      } catch (ValidationException e) {
        failed++;
        for (Problem p : e.problems()) {
          assertTrue(p.pos().line() >= 1 && p.pos().col() >= 1 && !p.message().isBlank(), "variant " + n + ": " + p);
        }
      } catch (RuntimeException | StackOverflowError e) {
        fail("variant " + n + " crashed the loader:\n" + variants.get(n), e);
      }
    }
    assertTrue(failed > variants.size() / 3, "most damaged variants must be refused, only " + failed + " were");
  }

  @Test
  void damagedInventoriesFailWithPositionsNeverWithExceptions() throws Exception {
    String source = Files.readString(Path.of("src/test/resources/valid/inventory.yaml"));
    String swaps = ":{}[]\"'-, x";
    int failed = 0;
    int total = 0;
    for (int at = 0; at < source.length(); at += 3) {
      String variant = source.substring(0, at) + swaps.charAt(at % swaps.length()) + source.substring(at + 1);
      Path f = tmp.resolve("inv" + at + ".yaml");
      Files.writeString(f, variant);
      total++;
      try {
        InventoryLoader.load(f);
      } catch (ValidationException e) {
        failed++;
        for (Problem p : e.problems()) assertTrue(p.pos().line() >= 1 && p.pos().col() >= 1, "offset " + at + ": " + p);
      } catch (RuntimeException | StackOverflowError e) {
        fail("changing offset " + at + " crashed the inventory loader:\n" + variant, e);
      }
    }
    assertTrue(failed > total / 4, "most damaged inventories must be refused, only " + failed + " of " + total + " were");
  }
}
