package io.runbook.engine.inventory;

import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Doc;
import java.util.Optional;

/** The cloud section of an inventory: {@code azure} with subscription and resource group, or {@code sandbox} with a root folder. */
public record CloudSpec(
    @Doc("azure or sandbox") String provider,
    @Doc("Azure subscription id") Optional<String> subscription,
    @Doc("Azure tenant id") Optional<String> tenant,
    @Doc("Resource group of the VMs and disks") Optional<String> resourceGroup,
    @Doc("Resource group for snapshots and restored disks; default: resourceGroup") Optional<String> snapshotResourceGroup,
    @Doc("Azure region, e.g. westeurope") Optional<String> location,
    @Doc("Backup vault (Data Protection) for recovery points") Optional<BackupVaultSpec> backupVault,
    @Doc("Service principal client id; default: DefaultAzureCredential") Optional<String> clientId,
    @Doc("Service principal secret reference") Optional<SecretRef> clientSecret,
    @Doc("Override of the Resource Manager endpoint (tests, sovereign clouds)") Optional<String> endpoint,
    @Doc("Sandbox: the folder that holds the emulated estate") Optional<String> root) {

  /** The Backup Vault that holds disk recovery points. */
  public record BackupVaultSpec(
      @Doc("Vault name") String name,
      @Doc("Resource group of the vault; default: the cloud's resourceGroup") Optional<String> resourceGroup) {}
}
