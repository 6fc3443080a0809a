package io.runbook.testkit.arm;

import static io.runbook.testkit.arm.ArmResponses.JSON;
import static io.runbook.testkit.arm.ArmResponses.body;
import static io.runbook.testkit.arm.ArmResponses.error;
import static io.runbook.testkit.arm.ArmResponses.fault;
import static io.runbook.testkit.arm.ArmResponses.notFound;
import static io.runbook.testkit.arm.ArmResponses.ok;
import static io.runbook.testkit.arm.ArmResponses.query;
import static io.runbook.testkit.arm.ArmResponses.spoilt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.runbook.testkit.arm.ArmResponses.UnexpectedRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The emulator's brain: answers each ARM request from its state (a WireMock response transformer). */
final class ArmRouter implements ResponseDefinitionTransformerV2 {
  static final String COMPUTE_DISKS_API = "2025-01-02";
  static final String COMPUTE_VMS_API = "2025-04-01";
  static final String DATA_PROTECTION_API = "2024-04-01";

  private static final String RG = "^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/";
  private static final Pattern COMPUTE_ITEM = Pattern.compile(RG + "Microsoft\\.Compute/(disks|snapshots)/([^/]+)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern COMPUTE_LIST = Pattern.compile(RG + "Microsoft\\.Compute/(disks|snapshots)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern VM = Pattern.compile(RG + "Microsoft\\.Compute/virtualMachines/([^/]+)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern VM_ACTION = Pattern.compile(RG + "Microsoft\\.Compute/virtualMachines/([^/]+)/(start|powerOff|deallocate|attachDetachDataDisks|instanceView)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern OPERATION = Pattern.compile("^/subscriptions/([^/]+)/providers/(Microsoft\\.Compute|Microsoft\\.DataProtection)/locations/([^/]+)/(operations|operationStatus|operationResults)/([^/]+)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern BACKUP_INSTANCE = Pattern.compile(RG + "Microsoft\\.DataProtection/backupVaults/([^/]+)/backupInstances/([^/]+)/(recoveryPoints|validateRestore|restore)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern TOKEN = Pattern.compile("^/([^/]+)/oauth2/v2\\.0/token$");
  private static final Pattern JOB = Pattern.compile(RG + "Microsoft\\.DataProtection/backupVaults/([^/]+)/backupJobs/([^/]+)$", Pattern.CASE_INSENSITIVE);

  private final String subscription;
  private volatile String baseUrl;
  private final Map<String, ObjectNode> resources = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, List<ObjectNode>> recoveryPoints = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<MutableFault> faults = Collections.synchronizedList(new ArrayList<>());
  private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
  private final List<String> creations = Collections.synchronizedList(new ArrayList<>());
  /** Operations to fail: the next operation a matching request starts ends Failed (method, path regex, code, message). */
  private final List<String[]> failing = new ArrayList<>();
  private final ArmOperations ops;
  final ArmPrincipals principals = new ArmPrincipals();
  private volatile ArmEffects effects = ArmEffects.NONE;

  ArmRouter(String subscription) {
    this.subscription = subscription;
    this.ops = new ArmOperations(subscription);
  }

  @Override
  public String getName() { return "arm-emulator"; }

  @Override
  public boolean applyGlobally() { return true; }

  void baseUrl(String url) {
    baseUrl = url;
    ops.baseUrl(url);
  }

  String baseUrl() { return baseUrl; }

  // ---- state management

  synchronized void reset() {
    resources.clear();
    ops.reset();
    recoveryPoints.clear();
    faults.clear();
    unexpected.clear();
    creations.clear();
    failing.clear();
    vmOperations.clear();
    principals.reset();
    effects = ArmEffects.NONE;
  }

  void effects(ArmEffects listener) { effects = listener == null ? ArmEffects.NONE : listener; }

  /**
   * Tells the listener about an effect that just took place; when it throws, the failure is listed as unexpected
   * and rethrown, so the operation ends Failed ({@link ArmEffects#FAILED_CODE}).
   */
  private void effect(String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      unexpected.add("effect " + what + " failed in the listener: " + e);
      throw new ArmOperations.EffectFailed(what + ": " + e.getMessage());
    }
  }

  private static Map<String, String> tagsOf(JsonNode resource) {
    Map<String, String> out = new LinkedHashMap<>();
    resource.path("tags").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  List<String> unexpected() { return List.copyOf(unexpected); }

  List<String> creations() { return List.copyOf(creations); }

  synchronized void operationPolls(int n) { ops.polls(n); }

  synchronized void failNextOperation(String code, String message) { ops.failNext(code, message); }

  synchronized void stallNextOperation() { ops.stallNext(); }

  synchronized void stallNextJob() { ops.stallNextJob(); }

  synchronized void failOperationOf(String method, String pathRegex, String code, String message) {
    failing.add(new String[] {method, pathRegex, code, message});
  }

  synchronized void finishOperations() { ops.finishAll(); }


  void inject(Fault f) { faults.add(new MutableFault(f, f.times())); }

  String id(String rg, String type, String name) {
    return "/subscriptions/" + subscription + "/resourceGroups/" + rg + "/providers/" + type + "/" + name;
  }

  JsonNode resource(String id) {
    ObjectNode n = resources.get(key(id));
    return n == null ? null : n.deepCopy();
  }

  private static String key(String id) { return id.toLowerCase(); }

  // ---- seeding

  synchronized String addDisk(String rg, String name, String location, String zone, int sizeGb) {
    String id = id(rg, "Microsoft.Compute/disks", name);
    ObjectNode d = base(id, name, "Microsoft.Compute/disks", location, zone);
    d.putObject("sku").put("name", "Premium_LRS").put("tier", "Premium");
    ObjectNode p = d.putObject("properties");
    p.putObject("creationData").put("createOption", "Empty");
    p.put("diskSizeGB", sizeGb);
    p.put("diskState", "Unattached");
    p.put("provisioningState", "Succeeded");
    p.put("timeCreated", Instant.now().toString());
    p.put("uniqueId", UUID.randomUUID().toString());
    resources.put(key(id), d);
    return id;
  }

  synchronized void removeDisk(String rg, String name) { resources.remove(key(id(rg, "Microsoft.Compute/disks", name))); }

  synchronized String addVm(String rg, String name, String location, String zone) {
    String id = id(rg, "Microsoft.Compute/virtualMachines", name);
    ObjectNode vm = base(id, name, "Microsoft.Compute/virtualMachines", location, zone);
    ObjectNode p = vm.putObject("properties");
    p.put("vmId", UUID.randomUUID().toString());
    p.putObject("hardwareProfile").put("vmSize", "Standard_D4s_v5");
    ObjectNode sp = p.putObject("storageProfile");
    sp.putObject("osDisk").put("osType", "Linux").put("name", name + "-os").put("createOption", "FromImage")
        .put("caching", "ReadWrite");
    sp.putArray("dataDisks");
    p.put("provisioningState", "Succeeded");
    vm.put("x-powerState", "running");
    resources.put(key(id), vm);
    return id;
  }

  synchronized void powerState(String rg, String vm, String state) {
    ObjectNode v = resources.get(key(id(rg, "Microsoft.Compute/virtualMachines", vm)));
    if (v == null) throw new IllegalArgumentException("no VM " + vm + " in " + rg);
    v.put("x-powerState", state);
  }

  synchronized List<String> ids() {
    List<String> out = new ArrayList<>();
    resources.values().forEach(r -> out.add(r.get("id").asText()));
    return out;
  }

  synchronized void attach(String rg, String vm, String diskName, int lun) {
    ObjectNode v = resources.get(key(id(rg, "Microsoft.Compute/virtualMachines", vm)));
    ObjectNode d = resources.get(key(id(rg, "Microsoft.Compute/disks", diskName)));
    if (v == null || d == null) throw new IllegalArgumentException("no VM " + vm + " or disk " + diskName + " in " + rg);
    attachNow(v, d, lun, "None");
  }

  synchronized void detach(String rg, String vm, int lun) {
    ObjectNode v = resources.get(key(id(rg, "Microsoft.Compute/virtualMachines", vm)));
    if (v == null) throw new IllegalArgumentException("no VM " + vm + " in " + rg);
    ArrayNode dd = (ArrayNode) v.with("properties").with("storageProfile").withArray("dataDisks");
    for (int i = 0; i < dd.size(); i++) {
      if (dd.get(i).path("lun").asInt() != lun) continue;
      ObjectNode d = resources.get(key(dd.get(i).path("managedDisk").path("id").asText()));
      if (d != null) {
        d.remove("managedBy");
        d.with("properties").put("diskState", "Unattached");
      }
      dd.remove(i);
      return;
    }
    throw new IllegalArgumentException("nothing at LUN " + lun + " of VM " + vm);
  }

  synchronized String addSnapshot(String rg, String name, String diskRg, String diskName, Instant time) {
    ObjectNode disk = resources.get(key(id(diskRg, "Microsoft.Compute/disks", diskName)));
    if (disk == null) throw new IllegalArgumentException("no disk " + diskName + " in " + diskRg);
    ObjectNode s = snapshotOf(disk, rg, name, true);
    s.with("properties").put("timeCreated", time.toString());
    s.with("properties").put("provisioningState", "Succeeded");
    resources.put(key(s.get("id").asText()), s);
    return s.get("id").asText();
  }

  synchronized void addBackupInstance(String rg, String vault, String instance, String location,
                                      List<ArmEmulator.RecoveryPointSeed> points) {
    String biId = id(rg, "Microsoft.DataProtection/backupVaults", vault) + "/backupInstances/" + instance;
    List<ObjectNode> list = new ArrayList<>();
    for (ArmEmulator.RecoveryPointSeed rp : points) {
      ObjectNode n = JSON.createObjectNode();
      n.put("id", biId + "/recoveryPoints/" + rp.name());
      n.put("name", rp.name());
      n.put("type", "Microsoft.DataProtection/backupVaults/backupInstances/recoveryPoints");
      n.putObject("properties").put("objectType", "AzureBackupDiscreteRecoveryPoint")
          .put("recoveryPointId", rp.name()).put("recoveryPointTime", rp.time().toString())
          .put("recoveryPointType", "Incremental").put("x-location", location);
      list.add(n);
    }
    recoveryPoints.put(key(biId), list);
  }

  // ---- dispatch

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    LoggedRequest req = event.getRequest();
    String method = req.getMethod().getName();
    String url = req.getUrl();
    String path = url.split("\\?")[0];
    Fault hit = null;
    synchronized (this) {
      for (Iterator<MutableFault> it = faults.iterator(); it.hasNext(); ) {
        MutableFault f = it.next();
        if (f.fault.method().equals(method) && Pattern.compile(f.fault.pathRegex()).matcher(path).find()) {
          if (--f.left <= 0) it.remove();
          hit = f.fault;
          break;
        }
      }
    }
    if (hit == null) return serve(req, method, url, path);
    return hit.passesThrough() ? spoilt(hit, serve(req, method, url, path)) : fault(hit);
  }

  private ResponseDefinition serve(LoggedRequest req, String method, String url, String path) {
    Matcher token = TOKEN.matcher(path);
    if (token.find() && method.equals("POST")) return principals.token(token.group(1), req);
    String auth = req.getHeader("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      return error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    }
    if (!principals.accepts(auth.substring("Bearer ".length()))) {
      return error(401, "InvalidAuthenticationToken", "The access token is invalid.");
    }
    String api = query(req, "api-version");
    try {
      synchronized (this) {
        for (Iterator<String[]> it = failing.iterator(); it.hasNext(); ) {
          String[] f = it.next();
          if (f[0].equals(method) && Pattern.compile(f[1]).matcher(path).find()) {
            ops.failNext(f[2], f[3]);
            it.remove();
            break;
          }
        }
        Matcher m;
        if ((m = COMPUTE_ITEM.matcher(path)).find() && COMPUTE_DISKS_API.equals(api)) {
          return computeItem(method, m.group(2), m.group(3), m.group(4), req);
        }
        if ((m = COMPUTE_LIST.matcher(path)).find() && COMPUTE_DISKS_API.equals(api) && method.equals("GET")) {
          return list(m.group(2), m.group(3));
        }
        if ((m = VM.matcher(path)).find() && COMPUTE_VMS_API.equals(api) && method.equals("GET")) {
          return getVm(m.group(2), m.group(3), "instanceView".equals(query(req, "$expand")));
        }
        if ((m = VM_ACTION.matcher(path)).find() && COMPUTE_VMS_API.equals(api)) {
          return vmAction(method, m.group(2), m.group(3), m.group(4), req);
        }
        if ((m = OPERATION.matcher(path)).find() && method.equals("GET") && api != null) {
          return ops.poll(m.group(5), "true".equals(query(req, "monitor")) || m.group(4).equals("operationResults"));
        }
        if ((m = BACKUP_INSTANCE.matcher(path)).find() && DATA_PROTECTION_API.equals(api)) {
          return backupInstance(method, path.substring(0, path.lastIndexOf('/')), m.group(2), m.group(3), m.group(5), req);
        }
        if ((m = JOB.matcher(path)).find() && DATA_PROTECTION_API.equals(api) && method.equals("GET")) {
          return ops.job(m.group(4));
        }
      }
    } catch (UnexpectedRequest e) {
      // falls through to the unexpected answer below
    }
    unexpected.add(method + " " + url);
    return error(400, "EmulatorUnexpectedRequest", "the ARM emulator does not serve " + method + " " + url);
  }

  // ---- Microsoft.Compute disks and snapshots

  private ResponseDefinition computeItem(String method, String rg, String kind, String name, LoggedRequest req) {
    boolean isDisk = kind.equalsIgnoreCase("disks");
    String type = isDisk ? "Microsoft.Compute/disks" : "Microsoft.Compute/snapshots";
    String id = id(rg, type, name);
    ObjectNode existing = resources.get(key(id));
    switch (method) {
      case "GET":
        return existing == null ? notFound(type, name, rg) : ok(existing);
      case "DELETE": {
        if (existing == null) return ResponseDefinitionBuilder.responseDefinition().withStatus(204).build();
        if (existing.hasNonNull("managedBy")) {
          return error(409, "OperationNotAllowed", "Disk " + name + " is attached to VM " + existing.get("managedBy").asText()
              + ". Detach it before deleting.");
        }
        existing.with("properties").put("provisioningState", "Deleting");
        ArmOperations.Operation op = ops.start("Microsoft.Compute", existing.path("location").asText());
        op.onSuccess = () -> {
          effect("delete " + id, () -> effects.deleted(id));
          resources.remove(key(id));
        };
        return ops.accepted(op, 202, null);
      }
      case "PATCH": {
        // An update of a disk's or snapshot's tags (DiskUpdate / SnapshotUpdate), applied at once: Azure answers a
        // tags-only PATCH with 200 and the updated resource, which the SDK takes as done.
        if (existing == null) return notFound(type, name, rg);
        JsonNode body = body(req);
        if (body.has("tags")) {
          try {
            effect("tag " + id, () -> effects.tagsChanged(id, tagsOf(body)));
          } catch (ArmOperations.EffectFailed e) {
            return error(500, ArmEffects.FAILED_CODE, e.getMessage());
          }
          existing.set("tags", body.get("tags"));
        }
        return ok(existing);
      }
      case "PUT": {
        JsonNode body = body(req);
        ObjectNode created;
        if (isDisk) {
          String src = body.path("properties").path("creationData").path("sourceResourceId").asText(null);
          ObjectNode snap = src == null ? null : resources.get(key(src));
          if (snap == null) {
            return error(404, "NotFound", "Source snapshot " + src + " was not found.");
          }
          created = base(id, name, type, body.path("location").asText(), body.path("zones").path(0).asText(null));
          created.putObject("sku").put("name", body.path("sku").path("name").asText("Premium_LRS"));
          ObjectNode p = created.putObject("properties");
          p.putObject("creationData").put("createOption", "Copy").put("sourceResourceId", snap.get("id").asText())
              .put("sourceUniqueId", snap.path("properties").path("uniqueId").asText());
          p.put("diskSizeGB", snap.path("properties").path("diskSizeGB").asInt(128));
          p.put("diskState", "Unattached");
          p.put("timeCreated", Instant.now().toString());
          p.put("uniqueId", UUID.randomUUID().toString());
        } else {
          String src = body.path("properties").path("creationData").path("sourceResourceId").asText(null);
          ObjectNode disk = src == null ? null : resources.get(key(src));
          if (disk == null) return error(404, "NotFound", "Source disk " + src + " was not found.");
          created = snapshotOf(disk, rg, name, body.path("properties").path("incremental").asBoolean(false));
          created.with("properties").put("timeCreated", Instant.now().toString());
        }
        if (body.has("tags")) created.set("tags", body.get("tags"));
        if (existing == null) creations.add(id);
        created.with("properties").put("provisioningState", existing == null ? "Creating" : "Updating");
        resources.put(key(id), created);
        ArmOperations.Operation op = ops.start("Microsoft.Compute", created.path("location").asText());
        String source = created.path("properties").path("creationData").path("sourceResourceId").asText();
        op.onSuccess = () -> {
          effect("create " + id, () -> {
            if (isDisk) effects.diskCreated(id, source, tagsOf(created));
            else effects.snapshotCreated(id, source, tagsOf(created));
          });
          created.with("properties").put("provisioningState", "Succeeded");
        };
        op.onFailure = () -> created.with("properties").put("provisioningState", "Failed");
        // Disks and snapshots answer a PUT with 200 or 202 (never 201), as the published API says.
        return ops.accepted(op, existing == null ? 202 : 200, created);
      }
      default:
        throw new UnexpectedRequest();
    }
  }

  private ResponseDefinition list(String rg, String kind) {
    String prefix = key(id(rg, kind.equalsIgnoreCase("disks") ? "Microsoft.Compute/disks" : "Microsoft.Compute/snapshots", ""));
    ArrayNode value = JSON.createArrayNode();
    resources.forEach((k, v) -> { if (k.startsWith(prefix)) value.add(v); });
    ObjectNode page = JSON.createObjectNode();
    page.set("value", value);
    return ok(page);
  }

  private ObjectNode snapshotOf(ObjectNode disk, String rg, String name, boolean incremental) {
    String id = id(rg, "Microsoft.Compute/snapshots", name);
    ObjectNode s = base(id, name, "Microsoft.Compute/snapshots", disk.path("location").asText(), null);
    s.remove("zones");
    s.putObject("sku").put("name", "Standard_ZRS").put("tier", "Standard");
    ObjectNode p = s.putObject("properties");
    p.putObject("creationData").put("createOption", "Copy").put("sourceResourceId", disk.get("id").asText())
        .put("sourceUniqueId", disk.path("properties").path("uniqueId").asText());
    p.put("diskSizeGB", disk.path("properties").path("diskSizeGB").asInt());
    p.put("incremental", incremental);
    p.put("uniqueId", UUID.randomUUID().toString());
    p.put("provisioningState", "Succeeded");
    return s;
  }

  // ---- Microsoft.Compute virtual machines

  private ResponseDefinition getVm(String rg, String name, boolean instanceView) {
    ObjectNode vm = resources.get(key(id(rg, "Microsoft.Compute/virtualMachines", name)));
    if (vm == null) return notFound("Microsoft.Compute/virtualMachines", name, rg);
    advanceOperationsOf(vm);
    return ok(vmView(vm, instanceView));
  }

  /** Operations on a VM, by VM key: a look at the VM advances them too (Azure works on while nobody polls). */
  private final Map<String, List<ArmOperations.Operation>> vmOperations = new LinkedHashMap<>();

  private void advanceOperationsOf(ObjectNode vm) {
    List<ArmOperations.Operation> running = vmOperations.get(key(vm.get("id").asText()));
    if (running == null) return;
    running.forEach(ArmOperations.Operation::advance);
    running.removeIf(ArmOperations.Operation::finished);
  }

  private ObjectNode vmView(ObjectNode vm, boolean instanceView) {
    ObjectNode out = vm.deepCopy();
    out.remove("x-powerState");
    if (instanceView) out.with("properties").set("instanceView", instanceViewOf(vm));
    return out;
  }

  private ObjectNode instanceViewOf(ObjectNode vm) {
    ObjectNode iv = JSON.createObjectNode();
    ArrayNode st = iv.putArray("statuses");
    st.addObject().put("code", "ProvisioningState/" + vm.path("properties").path("provisioningState").asText().toLowerCase())
        .put("level", "Info").put("displayStatus", "Provisioning " + vm.path("properties").path("provisioningState").asText());
    String power = vm.path("x-powerState").asText();
    st.addObject().put("code", "PowerState/" + power).put("level", "Info").put("displayStatus", "VM " + power);
    return iv;
  }

  private ResponseDefinition vmAction(String method, String rg, String name, String action, LoggedRequest req) {
    ObjectNode vm = resources.get(key(id(rg, "Microsoft.Compute/virtualMachines", name)));
    if (vm == null) return notFound("Microsoft.Compute/virtualMachines", name, rg);
    if (action.equals("instanceView") && method.equals("GET")) return ok(instanceViewOf(vm));
    if (!method.equals("POST")) throw new UnexpectedRequest();
    String location = vm.path("location").asText();
    ArmOperations.Operation op = ops.start("Microsoft.Compute", location);
    switch (action) {
      case "start" -> {
        vm.put("x-powerState", "starting");
        op.onSuccess = () -> power(vm, "running");
      }
      case "powerOff" -> {
        vm.put("x-powerState", "stopping");
        op.onSuccess = () -> power(vm, "stopped");
      }
      case "deallocate" -> {
        vm.put("x-powerState", "deallocating");
        op.onSuccess = () -> power(vm, "deallocated");
      }
      case "attachDetachDataDisks" -> {
        JsonNode body = body(req);
        String vmId = vm.get("id").asText();
        List<Runnable> applied = new ArrayList<>();
        // What the operation changes, to put back when it ends Failed (Azure leaves the VM as it was).
        ArrayNode disksBefore = vm.with("properties").with("storageProfile").withArray("dataDisks").deepCopy();
        Map<String, ObjectNode> touched = new LinkedHashMap<>();
        for (String k : List.of("dataDisksToDetach", "dataDisksToAttach")) {
          for (JsonNode d : body.path(k)) {
            ObjectNode disk = resources.get(key(d.path("diskId").asText()));
            if (disk != null) touched.put(key(d.path("diskId").asText()), disk.deepCopy());
          }
        }
        op.onFailure = () -> {
          vm.with("properties").with("storageProfile").set("dataDisks", disksBefore);
          touched.forEach((k, was) -> { if (resources.containsKey(k)) resources.put(k, was); });
          vm.with("properties").put("provisioningState", "Succeeded");
        };
        for (JsonNode d : body.path("dataDisksToDetach")) {
          String diskId = d.path("diskId").asText();
          ObjectNode disk = resources.get(key(diskId));
          ArrayNode dd = (ArrayNode) vm.with("properties").with("storageProfile").withArray("dataDisks");
          boolean found = false;
          for (int i = 0; i < dd.size(); i++) {
            if (dd.get(i).path("managedDisk").path("id").asText().equalsIgnoreCase(diskId)) {
              int lun = dd.get(i).path("lun").asInt();
              applied.add(() -> effect("detach " + diskId, () -> effects.detached(vmId, diskId, lun)));
              dd.remove(i);
              found = true;
              break;
            }
          }
          if (!found) return error(400, "InvalidParameter", "Disk " + diskId + " is not attached to VM " + name + ".");
          if (disk != null) {
            disk.remove("managedBy");
            disk.with("properties").put("diskState", "Unattached");
          }
        }
        for (JsonNode d : body.path("dataDisksToAttach")) {
          String diskId = d.path("diskId").asText();
          ObjectNode disk = resources.get(key(diskId));
          if (disk == null) return error(404, "NotFound", "Disk " + diskId + " was not found.");
          if (disk.hasNonNull("managedBy")) {
            return error(409, "OperationNotAllowed", "Disk " + disk.get("name").asText() + " is already attached to VM "
                + disk.get("managedBy").asText() + ".");
          }
          int lun = d.path("lun").asInt(-1);
          for (JsonNode existing : vm.path("properties").path("storageProfile").path("dataDisks")) {
            if (existing.path("lun").asInt() == lun) {
              return error(409, "Conflict", "A disk already exists at LUN " + lun + " of VM " + name + ".");
            }
          }
          attachNow(vm, disk, lun, d.path("caching").asText("None"));
          String attachedId = disk.get("id").asText();
          applied.add(() -> effect("attach " + attachedId, () -> effects.attached(vmId, attachedId, lun)));
        }
        op.result = vm.path("properties").path("storageProfile").deepCopy();
        // The VM's model changes at once (as Azure shows it while the operation runs, the VM Updating); the effect,
        // when it ends.
        vm.with("properties").put("provisioningState", "Updating");
        op.onSuccess = () -> {
          applied.forEach(Runnable::run);
          vm.with("properties").put("provisioningState", "Succeeded");
        };
        vmOperations.computeIfAbsent(key(vmId), k -> new ArrayList<>()).add(op);
      }
      default -> throw new UnexpectedRequest();
    }
    return ops.accepted(op, 202, null);
  }

  private void power(ObjectNode vm, String state) {
    String vmId = vm.get("id").asText();
    effect("power " + state + " " + vmId, () -> effects.powerChanged(vmId, state));
    vm.put("x-powerState", state);
  }

  private void attachNow(ObjectNode vm, ObjectNode disk, int lun, String caching) {
    ArrayNode dd = vm.with("properties").with("storageProfile").withArray("dataDisks");
    dd.addObject().put("lun", lun).put("name", disk.get("name").asText()).put("createOption", "Attach")
        .put("caching", caching).put("toBeDetached", false)
        .put("diskSizeGB", disk.path("properties").path("diskSizeGB").asInt())
        .putObject("managedDisk").put("id", disk.get("id").asText())
        .put("storageAccountType", disk.path("sku").path("name").asText());
    disk.put("managedBy", vm.get("id").asText());
    disk.with("properties").put("diskState", "Attached");
  }

  // ---- Microsoft.DataProtection backup vault

  private ResponseDefinition backupInstance(String method, String biId, String rg, String vault, String action,
                                            LoggedRequest req) {
    List<ObjectNode> points = recoveryPoints.get(key(biId));
    if (points == null) {
      return error(404, "ResourceNotFound", "The backup instance " + biId + " was not found.");
    }
    if (action.equals("recoveryPoints") && method.equals("GET")) {
      ArrayNode value = JSON.createArrayNode();
      for (ObjectNode p : points) {
        ObjectNode copy = p.deepCopy();
        ((ObjectNode) copy.get("properties")).remove("x-location");
        value.add(copy);
      }
      ObjectNode page = JSON.createObjectNode();
      page.set("value", value);
      return ok(page);
    }
    if (!method.equals("POST")) throw new UnexpectedRequest();
    JsonNode body = body(req);
    JsonNode request = action.equals("validateRestore") ? body.path("restoreRequestObject") : body;
    if (!"AzureBackupRecoveryPointBasedRestoreRequest".equals(request.path("objectType").asText())) {
      return error(400, "UserErrorInvalidRequestParameter", "objectType must be AzureBackupRecoveryPointBasedRestoreRequest");
    }
    String rpId = request.path("recoveryPointId").asText();
    ObjectNode point = points.stream().filter(p -> p.get("name").asText().equals(rpId)).findFirst().orElse(null);
    if (point == null) return error(404, "UserErrorRecoveryPointNotFound", "Recovery point " + rpId + " was not found.");
    JsonNode ds = request.path("restoreTargetInfo").path("datasourceInfo");
    String targetId = ds.path("resourceID").asText();
    String location = request.path("restoreTargetInfo").path("restoreLocation").asText();
    ArmOperations.Operation op = ops.start("Microsoft.DataProtection", location);
    ObjectNode props = JSON.createObjectNode().put("objectType", "OperationJobExtendedInfo");
    op.properties = props;
    if (resources.containsKey(key(targetId))) {
      op.outcome = ArmOperations.Operation.Outcome.FAILED;
      op.errorCode = "UserErrorDiskAlreadyExists";
      op.errorMessage = "A disk with the id " + targetId + " already exists.";
    } else if (action.equals("restore") && op.outcome != ArmOperations.Operation.Outcome.FAILED) {
      // A restore whose operation fails (failNextOperation) starts no job.
      String jobId = UUID.randomUUID().toString();
      // As the service does: the full resource id of the job.
      props.put("jobId", id(rg, "Microsoft.DataProtection/backupVaults", vault) + "/backupJobs/" + jobId);
      ops.startJob(props.get("jobId").asText(), () -> {
        Matcher m = Pattern.compile(RG + ".*/disks/([^/]+)$", Pattern.CASE_INSENSITIVE).matcher(targetId);
        if (!m.find()) return;
        ObjectNode disk = base(targetId, m.group(3), "Microsoft.Compute/disks", location, null);
        disk.putObject("sku").put("name", "Premium_LRS");
        ObjectNode p = disk.putObject("properties");
        p.putObject("creationData").put("createOption", "Restore").put("sourceResourceId", point.get("id").asText());
        p.put("diskSizeGB", 128).put("diskState", "Unattached").put("provisioningState", "Succeeded")
            .put("timeCreated", Instant.now().toString()).put("uniqueId", UUID.randomUUID().toString());
        effect("restore " + targetId, () -> effects.diskRestored(targetId, biId, rpId));
        if (!resources.containsKey(key(targetId))) creations.add(targetId);
        resources.put(key(targetId), disk);
      });
    }
    return ops.accepted(op, 202, null);
  }

  // ---- plumbing

  private ObjectNode base(String id, String name, String type, String location, String zone) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("name", name);
    n.put("type", type);
    n.put("location", location);
    if (zone != null && !zone.isEmpty()) n.putArray("zones").add(zone);
    n.putObject("tags");
    return n;
  }

  private static final class MutableFault {
    final Fault fault;
    int left;

    MutableFault(Fault fault, int left) {
      this.fault = fault;
      this.left = left;
    }
  }


}
