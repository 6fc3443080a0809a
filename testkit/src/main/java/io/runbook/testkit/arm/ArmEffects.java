package io.runbook.testkit.arm;

/**
 * Told by the {@link ArmEmulator} when a change it accepted takes effect: at the moment Azure would make it, i.e.
 * when the long-running operation (or Backup Vault job) completes successfully, never when the request arrives. A
 * test uses it to apply the same change to something real behind the emulated cloud (a sandbox estate's folders).
 * Called on the emulator's request thread while it holds its state lock; a listener that throws makes the operation
 * end {@code Failed} (code {@value #FAILED_CODE}) and is listed in {@link ArmEmulator#unexpectedRequests()}.
 * Ids are full resource ids as the emulator spells them; a PUT of an existing resource (a retry) is reported again,
 * so a listener must be idempotent.
 */
public interface ArmEffects {
  /** The Azure error code of an operation whose effect the listener could not apply. */
  String FAILED_CODE = "EmulatorEffectFailed";

  /** A disk was made as a copy of a snapshot. */
  default void diskCreated(String diskId, String sourceSnapshotId, java.util.Map<String, String> tags) {}

  /** A snapshot was taken of a disk. */
  default void snapshotCreated(String snapshotId, String sourceDiskId, java.util.Map<String, String> tags) {}

  /** A Backup Vault restore made a disk from a recovery point of a backup instance. */
  default void diskRestored(String diskId, String backupInstanceId, String recoveryPoint) {}

  /** A disk's or snapshot's tags were replaced (a PATCH). */
  default void tagsChanged(String id, java.util.Map<String, String> tags) {}

  /** A disk or snapshot was deleted. */
  default void deleted(String id) {}

  /** A disk was attached to a VM at a LUN. */
  default void attached(String vmId, String diskId, int lun) {}

  /** A disk was detached from a VM (it was at {@code lun}). */
  default void detached(String vmId, String diskId, int lun) {}

  /** A VM's power state became {@code running}, {@code stopped} or {@code deallocated}. */
  default void powerChanged(String vmId, String state) {}

  /** The listener that does nothing (the emulator alone). */
  ArmEffects NONE = new ArmEffects() {};
}
