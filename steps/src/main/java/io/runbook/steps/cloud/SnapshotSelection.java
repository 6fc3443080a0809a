package io.runbook.steps.cloud;

import io.runbook.steps.cloud.CloudProvider.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which snapshots belong to a disk and which one a point in time picks. A disk is identified by its resource id AND
 * its unique id: a disk deleted and recreated under the same name has the same id but is a different disk, and
 * its old snapshots must never be restored in its place.
 */
public final class SnapshotSelection {
  private SnapshotSelection() {}

  /** The finished snapshots of exactly this disk, oldest first. */
  public static List<Snapshot> ofDisk(List<Snapshot> all, String diskId, String uniqueId) {
    return all.stream()
        .filter(s -> s.sourceDiskId() != null && s.sourceDiskId().equalsIgnoreCase(diskId))
        .filter(s -> uniqueId.equalsIgnoreCase(String.valueOf(s.sourceUniqueId())))
        .filter(s -> s.createdAt() != null && (s.state() == null || s.state().equals("Succeeded")))
        .sorted(Comparator.comparing(Snapshot::createdAt))
        .toList();
  }

  /** How many snapshots carry the disk's id but another unique id (an earlier disk with the same name). */
  public static long ofEarlierDisk(List<Snapshot> all, String diskId, String uniqueId) {
    return all.stream()
        .filter(s -> s.sourceDiskId() != null && s.sourceDiskId().equalsIgnoreCase(diskId))
        .filter(s -> !uniqueId.equalsIgnoreCase(String.valueOf(s.sourceUniqueId())))
        .count();
  }

  /** The newest taken at or before {@code t}. */
  public static Optional<Snapshot> atOrBefore(List<Snapshot> sorted, Instant t) {
    Snapshot best = null;
    for (Snapshot s : sorted) if (!s.createdAt().isAfter(t)) best = s;
    return Optional.ofNullable(best);
  }

  /** The oldest taken strictly after {@code t}. */
  public static Optional<Snapshot> after(List<Snapshot> sorted, Instant t) {
    return sorted.stream().filter(s -> s.createdAt().isAfter(t)).findFirst();
  }

  /** Up to three snapshots closest in time to {@code t}, for a failure message. */
  public static String nearest(List<Snapshot> sorted, Instant t) {
    if (sorted.isEmpty()) return "none";
    return sorted.stream()
        .sorted(Comparator.comparing(s -> Duration.between(s.createdAt(), t).abs()))
        .limit(3)
        .map(s -> s.name() + " (" + s.createdAt() + ")")
        .collect(Collectors.joining(", "));
  }
}
