package io.runbook.steps.cloud.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.polling.PollResult;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.Configuration;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.CredentialUnavailableException;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.ComputeManagementClient;
import com.azure.resourcemanager.compute.fluent.models.DiskInner;
import com.azure.resourcemanager.compute.fluent.models.SnapshotInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.AttachDetachDataDisksRequest;
import com.azure.resourcemanager.compute.models.CachingTypes;
import com.azure.resourcemanager.compute.models.CreationData;
import com.azure.resourcemanager.compute.models.DataDisk;
import com.azure.resourcemanager.compute.models.DataDisksToAttach;
import com.azure.resourcemanager.compute.models.DataDisksToDetach;
import com.azure.resourcemanager.compute.models.DiskCreateOption;
import com.azure.resourcemanager.compute.models.DiskSku;
import com.azure.resourcemanager.compute.models.DiskStorageAccountTypes;
import com.azure.resourcemanager.compute.models.DiskUpdate;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import com.azure.resourcemanager.resources.fluentcore.arm.ResourceId;
import com.microsoft.aad.msal4j.MsalServiceException;
import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudProvider;
import io.runbook.steps.cloud.OperationWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Azure provider: managed disks, snapshots and VMs through azure-resourcemanager-compute, Backup Vault
 * recovery points through {@link BackupVault}. One SDK retry policy (429 with Retry-After, 5xx, broken
 * connections) is configured here and shared by every call, including the Data Protection ones.
 */
public final class AzureCloud implements CloudProvider {
  /** How to reach Azure. Production: {@link #production}; tests swap the credential, HTTP client and delays. */
  public record Settings(TokenCredential credential, HttpClient httpClient, RetryOptions retry, Duration pollInterval) {
    public static Settings production(CloudSpec spec, StepContext ctx) throws StepFailure {
      TokenCredential credential;
      if (spec.clientId().isPresent()) {
        if (spec.clientSecret().isEmpty() || spec.tenant().isEmpty()) {
          throw StepFailure.fatal("inventory cloud.clientId is set but cloud.clientSecret or cloud.tenant is missing",
              "give all three for a service principal, or none to use DefaultAzureCredential");
        }
        ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder().tenantId(spec.tenant().get())
            .clientId(spec.clientId().get()).clientSecret(ctx.secret(spec.clientSecret().get()))
            .authorityHost(authorityHost(spec));
        // MSAL asks login.microsoftonline.com about any other authority first: unreachable from a private cloud.
        if (customAuthority(spec)) b.disableInstanceDiscovery();
        credential = b.build();
      } else {
        DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder().authorityHost(authorityHost(spec));
        if (customAuthority(spec)) b.disableInstanceDiscovery();
        spec.tenant().ifPresent(b::tenantId);
        credential = b.build();
      }
      RetryOptions retry = new RetryOptions(new ExponentialBackoffOptions()
          .setMaxRetries(6).setBaseDelay(Duration.ofSeconds(2)).setMaxDelay(Duration.ofSeconds(60)));
      return new Settings(credential, null, retry, Duration.ofSeconds(5));
    }
  }

  private final AzurePlanner names;
  private final ComputeManagementClient compute;
  private final BackupVault vault;
  private final Duration pollInterval;

  private AzureCloud(AzurePlanner names, ComputeManagementClient compute, Duration pollInterval) {
    this.names = names;
    this.compute = compute;
    this.pollInterval = pollInterval;
    this.vault = new BackupVault(compute.getHttpPipeline(), names, pollInterval);
  }

  /** Builds the clients (this is what loads the SDK); sends no request yet. */
  public static AzureCloud connect(CloudSpec spec, Settings settings) throws StepFailure {
    if (spec.subscription().isEmpty() || spec.resourceGroup().isEmpty()) {
      throw StepFailure.fatal("inventory cloud: provider azure needs subscription and resourceGroup",
          "add cloud.subscription and cloud.resourceGroup to the inventory");
    }
    AzurePlanner names = new AzurePlanner(spec);
    AzureProfile profile = new AzureProfile(spec.tenant().orElse(null), spec.subscription().get(), environment(spec));
    RetryOptions retry = settings.retry();
    if (retry.getShouldRetryCondition() == null) retry.setShouldRetryCondition(AzureCloud::worthRetrying);
    ComputeManager.Configurable conf = ComputeManager.configure().withRetryOptions(retry);
    if (settings.httpClient() != null) conf = conf.withHttpClient(settings.httpClient());
    ComputeManager manager = conf.authenticate(settings.credential(), profile);
    return new AzureCloud(names, manager.serviceClient(), settings.pollInterval());
  }

  /**
   * The cloud of {@code cloud.endpoint}: a sovereign cloud when it is that cloud's Resource Manager endpoint (so tokens
   * come from its login host), else public Azure with the Resource Manager calls sent to the endpoint (an emulator).
   */
  static AzureEnvironment environment(CloudSpec spec) {
    if (spec.endpoint().isEmpty()) return AzureEnvironment.AZURE;
    String wanted = trimSlash(spec.endpoint().get());
    for (AzureEnvironment env : AzureEnvironment.knownEnvironments()) {
      if (env.getResourceManagerEndpoint() != null && trimSlash(env.getResourceManagerEndpoint()).equalsIgnoreCase(wanted)) {
        return env;
      }
    }
    Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
    endpoints.put("resourceManagerEndpointUrl", wanted + "/");
    return new AzureEnvironment(endpoints);
  }

  /**
   * Where to sign in: a known cloud's login host; with a custom {@code cloud.endpoint} (Azure Stack Hub, an emulator)
   * the azure-identity setting {@code AZURE_AUTHORITY_HOST} when it is set, else public Azure's.
   */
  static String authorityHost(CloudSpec spec) { return authorityHost(spec, Configuration.getGlobalConfiguration()); }

  static String authorityHost(CloudSpec spec, Configuration config) {
    AzureEnvironment env = environment(spec);
    boolean custom = AzureEnvironment.knownEnvironments().stream().noneMatch(known -> known == env);
    String configured = config.get(Configuration.PROPERTY_AZURE_AUTHORITY_HOST);
    return custom && configured != null && !configured.isBlank() ? configured : env.getActiveDirectoryEndpoint();
  }

  /** Whether the login host is none of the known clouds' (Azure Stack Hub, an emulator). */
  static boolean customAuthority(CloudSpec spec) {
    String host = trimSlash(authorityHost(spec));
    return AzureEnvironment.knownEnvironments().stream()
        .noneMatch(e -> e.getActiveDirectoryEndpoint() != null && trimSlash(e.getActiveDirectoryEndpoint()).equalsIgnoreCase(host));
  }

  private static String trimSlash(String url) { return url.endsWith("/") ? url.substring(0, url.length() - 1) : url; }

  // ---- reads

  @Override
  public Optional<Disk> findDisk(String ref) throws StepFailure {
    ResourceId id = ResourceId.fromString(names.diskId(ref));
    return getOrEmpty("read disk", id.id(), () -> compute.getDisks()
        .getByResourceGroupWithResponse(id.resourceGroupName(), id.name(), Context.NONE).getValue())
        .map(AzureCloud::disk);
  }

  @Override
  public Optional<Snapshot> findSnapshot(String ref) throws StepFailure {
    ResourceId id = ResourceId.fromString(names.snapshotId(ref));
    return getOrEmpty("read snapshot", id.id(), () -> compute.getSnapshots()
        .getByResourceGroupWithResponse(id.resourceGroupName(), id.name(), Context.NONE).getValue())
        .map(AzureCloud::snapshot);
  }

  @Override
  public List<Snapshot> listSnapshots() throws StepFailure {
    String rg = names.snapshotResourceGroup();
    try {
      List<Snapshot> out = new ArrayList<>();
      for (SnapshotInner s : compute.getSnapshots().listByResourceGroup(rg)) out.add(snapshot(s));
      return out;
    } catch (RuntimeException e) {
      throw failure("list snapshots in resource group " + rg, names.group(rg), e);
    }
  }

  @Override
  public Vm vm(String name) throws StepFailure {
    String id = names.vmId(name);
    VirtualMachineInner inner = getOrEmpty("read VM", id, () -> compute.getVirtualMachines()
        .getByResourceGroupWithResponse(names.resourceGroup(), name, InstanceViewTypes.INSTANCE_VIEW, Context.NONE)
        .getValue())
        .orElseThrow(() -> StepFailure.fatal("VM " + name + " not found (" + id + ")",
            "check the host's vm name and cloud.resourceGroup in the inventory"));
    return vm(inner);
  }

  // ---- changes

  @Override
  public Snapshot createSnapshot(Disk source, String name, Map<String, String> tags, StepContext ctx)
      throws StepFailure, InterruptedException {
    SnapshotInner body = new SnapshotInner().withLocation(source.location()).withIncremental(true).withTags(tags)
        .withCreationData(new CreationData().withCreateOption(DiskCreateOption.COPY).withSourceResourceId(source.id()));
    String id = names.snapshotId(name);
    SnapshotInner done = await(ctx, "create snapshot " + name, id,
        () -> compute.getSnapshots().beginCreateOrUpdate(names.snapshotResourceGroup(), name, body));
    return snapshot(done);
  }

  @Override
  public Disk createDiskFromSnapshot(Snapshot source, NewDisk disk, StepContext ctx)
      throws StepFailure, InterruptedException {
    DiskInner body = new DiskInner().withLocation(disk.location()).withTags(disk.tags())
        .withSku(new DiskSku().withName(DiskStorageAccountTypes.fromString(disk.sku())))
        .withCreationData(new CreationData().withCreateOption(DiskCreateOption.COPY).withSourceResourceId(source.id()));
    if (disk.zone() != null) body.withZones(List.of(disk.zone()));
    String id = names.diskId(disk.name());
    DiskInner done = await(ctx, "create disk " + disk.name(), id,
        () -> compute.getDisks().beginCreateOrUpdate(names.resourceGroup(), disk.name(), body));
    return disk(done);
  }

  @Override
  public void deleteDisk(Disk disk, StepContext ctx) throws StepFailure, InterruptedException {
    ResourceId id = ResourceId.fromString(disk.id());
    await(ctx, "delete disk " + disk.name(), disk.id(),
        () -> compute.getDisks().beginDelete(id.resourceGroupName(), id.name()));
  }

  @Override
  public Vm attachDisk(Vm vm, Disk disk, int lun, StepContext ctx) throws StepFailure, InterruptedException {
    AttachDetachDataDisksRequest req = new AttachDetachDataDisksRequest().withDataDisksToAttach(List.of(
        new DataDisksToAttach().withDiskId(disk.id()).withLun(lun).withCaching(CachingTypes.NONE)));
    String what = "attach disk " + disk.name() + " to VM " + vm.name() + " at LUN " + lun;
    return changeDisks(ctx, what, vm, req,
        v -> v.atLun(lun).map(a -> a.diskId() != null && a.diskId().equalsIgnoreCase(disk.id())).orElse(false));
  }

  @Override
  public Vm detachDisk(Vm vm, AttachedDisk disk, StepContext ctx) throws StepFailure, InterruptedException {
    AttachDetachDataDisksRequest req = new AttachDetachDataDisksRequest().withDataDisksToDetach(List.of(
        new DataDisksToDetach().withDiskId(disk.diskId())));
    String what = "detach disk " + disk.diskName() + " from VM " + vm.name() + " at LUN " + disk.lun();
    return changeDisks(ctx, what, vm, req, v -> v.dataDisks().stream()
        .noneMatch(a -> a.diskId() != null && a.diskId().equalsIgnoreCase(disk.diskId())));
  }

  /**
   * An attach/detach. When it fails, the VM is read again: an attempt whose answer was lost may have made the change,
   * and Azure then refuses the SDK's retry of it ("not attached", "already attached") or the retries run out on a
   * dead connection. If the VM shows the wanted disks once it has finished updating, the change is made: the step
   * goes on instead of failing (and telling the operator to "fix the request").
   */
  private Vm changeDisks(StepContext ctx, String what, Vm vm, AttachDetachDataDisksRequest req,
                         java.util.function.Predicate<Vm> wanted) throws StepFailure, InterruptedException {
    try {
      await(ctx, what, vm.id(),
          () -> compute.getVirtualMachines().beginAttachDetachDataDisks(names.resourceGroup(), vm.name(), req));
      return vm(vm.name());
    } catch (StepFailure failed) {
      Vm now;
      try {
        now = vm(vm.name());
        if (!wanted.test(now)) throw failed;
        Vm[] last = {now};
        OperationWatch.await(ctx, what + " (VM updating)", pollInterval, () -> {
          last[0] = vm(vm.name());
          return "Updating".equalsIgnoreCase(last[0].provisioningState())
              ? OperationWatch.State.running("Updating") : OperationWatch.State.finished(last[0].provisioningState());
        });
        now = last[0];
      } catch (StepFailure unreadable) {
        throw failed;
      }
      if (!wanted.test(now) || !"Succeeded".equalsIgnoreCase(now.provisioningState())) throw failed;
      ctx.log().warn(failed.getMessage() + "; but VM " + vm.name() + " shows the change made (an earlier"
          + " attempt's answer was lost): going on");
      return now;
    }
  }

  @Override
  public Vm startVm(Vm vm, StepContext ctx) throws StepFailure, InterruptedException {
    await(ctx, "start VM " + vm.name(), vm.id(),
        () -> compute.getVirtualMachines().beginStart(names.resourceGroup(), vm.name()));
    return vm(vm.name());
  }

  @Override
  public Vm stopVm(Vm vm, boolean deallocate, StepContext ctx) throws StepFailure, InterruptedException {
    String rg = names.resourceGroup();
    await(ctx, (deallocate ? "deallocate VM " : "power off VM ") + vm.name(), vm.id(), () -> deallocate
        ? compute.getVirtualMachines().beginDeallocate(rg, vm.name())
        : compute.getVirtualMachines().beginPowerOff(rg, vm.name()));
    return vm(vm.name());
  }

  @Override
  public List<RecoveryPoint> recoveryPoints(String backupInstance) throws StepFailure {
    return vault.recoveryPoints(backupInstance);
  }

  @Override
  public Disk restoreDisk(String backupInstance, RecoveryPoint point, NewDisk disk, StepContext ctx)
      throws StepFailure, InterruptedException {
    vault.restore(backupInstance, point, disk, ctx);
    Disk restored = findDisk(disk.name()).orElseThrow(() -> StepFailure.fatal(
        "the Backup Vault reports the restore of " + point.id() + " complete but disk " + names.diskId(disk.name())
            + " does not exist", "look at the restore job in the Backup Vault; the disk may be in another resource group"));
    return tagDisk(restored, disk.tags(), ctx);
  }

  /**
   * Adds the run's tags to a disk the Backup Vault restored: a restore request cannot carry tags, and without them a
   * retried or resumed step could not tell the disk this run restored from a stranger's (and would refuse to go on).
   */
  @Override
  public Disk tagDisk(Disk d, Map<String, String> tags, StepContext ctx) throws StepFailure, InterruptedException {
    if (tags == null || tags.isEmpty() || d.tags().entrySet().containsAll(tags.entrySet())) return d;
    Map<String, String> merged = new LinkedHashMap<>(d.tags());
    merged.putAll(tags);
    ResourceId id = ResourceId.fromString(d.id());
    DiskInner done = await(ctx, "tag disk " + d.name(), d.id(),
        () -> compute.getDisks().beginUpdate(id.resourceGroupName(), id.name(), new DiskUpdate().withTags(merged)));
    return disk(done);
  }

  @Override
  public void close() {
    // The SDK's shared Netty resources live for the JVM; nothing per-run to release.
  }

  // ---- plumbing

  /** Starts an operation and follows it to the end with a progress line, bounded by the step deadline. */
  private <T> T await(StepContext ctx, String what, String resourceId,
                      Supplier<SyncPoller<? extends PollResult<?>, T>> begin) throws StepFailure, InterruptedException {
    SyncPoller<? extends PollResult<?>, T> poller;
    try {
      poller = begin.get();
    } catch (RuntimeException e) {
      throw failure(what, resourceId, e);
    }
    OperationWatch.await(ctx, what, pollInterval, () -> {
      PollResponse<? extends PollResult<?>> r;
      try {
        r = poller.poll();
      } catch (RuntimeException e) {
        throw failure(what, resourceId, e);
      }
      LongRunningOperationStatus status = r.getStatus();
      if (status == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) return OperationWatch.State.finished("Succeeded");
      if (status.isComplete()) {
        String error = r.getValue() == null || r.getValue().getError() == null ? "no details"
            : BackupVault.errorText(r.getValue().getError().getResponseBody(), r.getValue().getError().getMessage());
        throw StepFailure.fatal(what + " ended " + status + " (" + error + ") on " + resourceId,
            "look at the resource's activity log in Azure; fix the cause and run the step again");
      }
      // Azure's own words for the state, as the portal and the REST API show them.
      return OperationWatch.State.running(status == LongRunningOperationStatus.NOT_STARTED ? "NotStarted" : "InProgress");
    });
    try {
      return poller.getFinalResult();
    } catch (RuntimeException e) {
      throw failure(what, resourceId, e);
    }
  }

  private <T> Optional<T> getOrEmpty(String what, String resourceId, Supplier<T> get) throws StepFailure {
    try {
      return Optional.ofNullable(get.get());
    } catch (ManagementException e) {
      if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) return Optional.empty();
      throw failure(what, resourceId, e);
    } catch (RuntimeException e) {
      throw failure(what, resourceId, e);
    }
  }

  /**
   * The SDK's retry condition, except that a refused sign-in is final: the SDK would otherwise retry any exception,
   * and a wrong or expired client secret would cost minutes of backoff (and count against the account) to no end.
   */
  static boolean worthRetrying(RequestRetryCondition c) {
    if (c.getResponse() != null) {
      int status = c.getResponse().getStatusCode();
      return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }
    if (signInRefused(c.getThrowable())) return false;
    return c.getThrowable() instanceof Exception;
  }

  private static boolean signInRefused(Throwable t) { return refusal(t) != null; }

  /** The sign-in's refusal in {@code t}'s causes: Entra ID said no (a 4xx but 429), or no credential is there. */
  private static Throwable refusal(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
      if (x instanceof ClientAuthenticationException || x instanceof CredentialUnavailableException) return x;
      if (x instanceof MsalServiceException m && m.statusCode() >= 400 && m.statusCode() < 500 && m.statusCode() != 429) {
        return x;
      }
    }
    return null;
  }

  /** An SDK exception as an operator-facing failure: what, which resource, Azure's code and message, what next. */
  static StepFailure failure(String what, String resourceId, RuntimeException e) {
    Throwable x = refusal(e);
    if (x != null) {
      return new StepFailure(what + " on " + resourceId + ": could not sign in to Azure (" + x.getMessage() + ")", false,
          "check the inventory's cloud.tenant, cloud.clientId and cloud.clientSecret (an expired or wrong secret?), or"
              + " the identity DefaultAzureCredential finds (az login, managed identity), then run the step again", null);
    }
    if (e instanceof HttpResponseException he && he.getResponse() != null) {
      int status = he.getResponse().getStatusCode();
      String code = "";
      String message = he.getMessage();
      if (he instanceof ManagementException me && me.getValue() != null) {
        ManagementError err = me.getValue();
        code = err.getCode() + ": ";
        message = err.getMessage();
      }
      String text = what + " failed on " + resourceId + ": HTTP " + status + " " + code + message;
      boolean retryable = status == 429 || status >= 500;
      String hint = switch (status) {
        case 401, 403 -> "the identity running the runbook lacks a role on " + resourceId
            + " (e.g. Disk Snapshot Contributor, Virtual Machine Contributor); fix the role assignment and retry";
        case 404 -> "check the name, the resource group and the subscription in the inventory";
        case 409 -> "the resource is busy or in a conflicting state; wait for the running operation and retry";
        case 429 -> "Azure is throttling this subscription; retry later";
        default -> status >= 500 ? "Azure had a transient failure after several retries; retry the step"
            : "fix the request (see Azure's message) and run the step again";
      };
      return new StepFailure(text, retryable, hint, null);
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return new StepFailure(what + " failed on " + resourceId + ": could not talk to Azure Resource Manager ("
        + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")",
        true, "check network access to the Resource Manager endpoint and the credential, then retry", null);
  }

  static Disk disk(DiskInner d) {
    return new Disk(d.name(), d.id(), d.uniqueId(), d.location(),
        d.zones() == null || d.zones().isEmpty() ? null : d.zones().get(0),
        d.sku() == null || d.sku().name() == null ? null : d.sku().name().toString(),
        d.managedBy(), d.tags() == null ? Map.of() : Map.copyOf(d.tags()),
        d.timeCreated() == null ? null : d.timeCreated().toInstant(), d.provisioningState());
  }

  static Snapshot snapshot(SnapshotInner s) {
    CreationData c = s.creationData();
    return new Snapshot(s.name(), s.id(), s.timeCreated() == null ? null : s.timeCreated().toInstant(),
        c == null ? null : c.sourceResourceId(), c == null ? null : c.sourceUniqueId(),
        Boolean.TRUE.equals(s.incremental()), s.provisioningState(),
        s.tags() == null ? Map.of() : Map.copyOf(s.tags()));
  }

  static Vm vm(VirtualMachineInner v) {
    String power = "unknown";
    if (v.instanceView() != null && v.instanceView().statuses() != null) {
      for (InstanceViewStatus s : v.instanceView().statuses()) {
        if (s.code() != null && s.code().startsWith("PowerState/")) power = s.code().substring("PowerState/".length());
      }
    }
    List<AttachedDisk> disks = new ArrayList<>();
    if (v.storageProfile() != null && v.storageProfile().dataDisks() != null) {
      for (DataDisk d : v.storageProfile().dataDisks()) {
        disks.add(new AttachedDisk(d.lun(), d.name(), d.managedDisk() == null ? null : d.managedDisk().id()));
      }
    }
    return new Vm(v.name(), v.id(), v.location(), v.zones() == null || v.zones().isEmpty() ? null : v.zones().get(0),
        power, v.provisioningState(), List.copyOf(disks));
  }
}
