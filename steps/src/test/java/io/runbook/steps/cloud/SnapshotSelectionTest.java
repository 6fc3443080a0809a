package io.runbook.steps.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.steps.cloud.CloudProvider.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure selection rules of cloud.snapshot.find: identity by id AND unique id, T0 <= target < T1. */
class SnapshotSelectionTest {
  static final String DISK = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d";
  static final Instant T = Instant.parse("2026-11-20T12:00:00Z");

  static Snapshot snap(String name, long offsetSeconds, String uniqueId, String state) {
    return new Snapshot(name, "/x/" + name, T.plusSeconds(offsetSeconds), DISK, uniqueId, true, state, Map.of());
  }

  final List<Snapshot> all = List.of(
      snap("c", 60, "u2", "Succeeded"),
      snap("a", -120, "u2", "Succeeded"),
      snap("exact", 0, "u2", "Succeeded"),
      snap("creating", -10, "u2", "Creating"),
      snap("old-disk", -5, "u1", "Succeeded"),
      new Snapshot("other", "/x/other", T, DISK.replace("/d", "/e"), "u2", true, "Succeeded", Map.of()));

  @Test
  void keepsOnlyFinishedSnapshotsOfTheSameDiskOldestFirst() {
    List<Snapshot> mine = SnapshotSelection.ofDisk(all, DISK.toUpperCase(), "U2");
    assertEquals(List.of("a", "exact", "c"), mine.stream().map(Snapshot::name).toList());
    assertEquals(1, SnapshotSelection.ofEarlierDisk(all, DISK, "u2"));
  }

  @Test
  void bracketIsInclusiveBelowAndExclusiveAbove() {
    List<Snapshot> mine = SnapshotSelection.ofDisk(all, DISK, "u2");
    assertEquals("exact", SnapshotSelection.atOrBefore(mine, T).orElseThrow().name());
    assertEquals("c", SnapshotSelection.after(mine, T).orElseThrow().name());
    assertEquals("a", SnapshotSelection.atOrBefore(mine, T.minusSeconds(1)).orElseThrow().name());
    assertTrue(SnapshotSelection.atOrBefore(mine, T.minusSeconds(121)).isEmpty());
    assertTrue(SnapshotSelection.after(mine, T.plusSeconds(60)).isEmpty());
  }

  @Test
  void nearestListsTheClosestInTime() {
    List<Snapshot> mine = SnapshotSelection.ofDisk(all, DISK, "u2");
    assertEquals("c (" + T.plusSeconds(60) + "), exact (" + T + "), a (" + T.minusSeconds(120) + ")",
        SnapshotSelection.nearest(mine, T.plusSeconds(50)));
    assertEquals("none", SnapshotSelection.nearest(List.of(), T));
  }

  @Test
  void derivedNamesAreStableAndValidForAzure() {
    var ctx = io.runbook.engine.run.StandaloneStepContext.builder().runId("2026-11-25T10:00:00Z/x y").build();
    assertEquals("db1-data-2026-11-25T10-00-00Z-x-y", RunTags.derivedName("db1-data", ctx));
    assertEquals(RunTags.derivedName("db1-data", ctx), RunTags.derivedName("db1-data", ctx));
    String longName = RunTags.derivedName("d".repeat(100), ctx);
    assertEquals(80, longName.length());
  }
}
