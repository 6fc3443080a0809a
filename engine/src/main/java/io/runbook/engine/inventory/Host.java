package io.runbook.engine.inventory;

import io.runbook.engine.spi.Doc;
import java.util.Optional;

/** A VM runbooks act on: how to reach it, its disks, its database and how its database service is run. */
public record Host(
    @Doc("Host name as runbooks refer to it (filled from the key in hosts:)") String name,
    @Doc("primary, replica, scratch or backup") Optional<String> role,
    @Doc("Cloud VM name; default: the host name") Optional<String> vm,
    @Doc("Availability zone of the VM") Optional<String> zone,
    @Doc("How commands reach the host") TransportSpec transport,
    @Doc("The data disk (the whole datadir)") Optional<DiskSpec> dataDisk,
    @Doc("The disk holding the prepared mariadb-backup copy") Optional<DiskSpec> backupDisk,
    @Doc("How to connect to the host's MariaDB") Optional<DbSpec> db,
    @Doc("How the MariaDB service is started and stopped") Optional<ServiceSpec> service) {

  public String vmName() { return vm.orElse(name); }

  /** Where the engine reaches this host's MariaDB: db.address, else the ssh address, else 127.0.0.1. */
  public String dbAddress() {
    return db.flatMap(DbSpec::address)
        .or(() -> transport != null && !transport.isLocal() ? transport.address() : Optional.empty())
        .orElse("127.0.0.1");
  }
}
