package io.rune.storage.driver.conformance;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.StorageDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One driver under test, as {@link DriverConformance} needs it: the driver, requests it can
 * satisfy, and ways to look behind it (does its storage exist, what is in a mounted volume).
 * A driver's test implements this and extends {@link DriverConformanceTest}.
 */
public interface ConformanceTarget {

  /** The driver under test; the same instance on every call. */
  StorageDriver driver();

  /**
   * The name the driver's {@code DriverProvider} registers, which StorageClasses put in
   * {@code driver}; {@code driver().name()} must say the same.
   */
  String driverName();

  /** The node the suite attaches and mounts on. */
  String node();

  /**
   * A request this driver can satisfy (a size and access mode it supports, the topology it
   * needs) for a volume with this uid and name. Each call gets a fresh uid.
   */
  ProvisionRequest newVolume(String uid, String name);

  /**
   * A request for a volume that is never provisioned, whose storage does not exist: what the
   * suite asks find about. The default is {@link #newVolume}; a target whose newVolume makes
   * something ahead (the host directory of a host-path driver) overrides it to make nothing.
   */
  default ProvisionRequest unprovisionedVolume(String uid, String name) {
    return newVolume(uid, name);
  }

  /**
   * The context to pass with calls about the volume of {@code request}: the StorageClass and
   * Volume JSON the driver reads (a hostPath for a host-path driver, say) and the node.
   */
  DriverContext contextFor(ProvisionRequest request);

  /**
   * Whether the backing storage of a volume handle exists, looked up behind the driver's
   * back (the directory, the cloud volume): how the suite tells a delete that removed the
   * storage from one that only said so.
   */
  boolean storageExists(String handle);

  /**
   * Only read when the driver does not advertise {@code delete}: its delete keeps the
   * storage by design. Return true when {@link #storageExists} still tells the truth then,
   * and the suite asserts the storage survives delete; false (the default) skips every
   * storage assertion for such a driver.
   */
  default boolean probesRetainedStorage() {
    return false;
  }

  /** A path to pass as a mount's target: the suite unmounts with the same path. */
  String mountTarget();

  /** The fsType to mount with; null lets the driver choose (directory drivers have none). */
  default String fsType() {
    return null;
  }

  /**
   * Writes the probe file into a mounted volume, at the path mount returned. The default
   * works where that path is a directory of this machine's file system.
   */
  default void writeProbe(String mountedPath, String fileName, byte[] content) throws IOException {
    Files.write(Path.of(mountedPath).resolve(fileName), content);
  }

  /** Reads back what {@link #writeProbe} wrote. */
  default byte[] readProbe(String mountedPath, String fileName) throws IOException {
    return Files.readAllBytes(Path.of(mountedPath).resolve(fileName));
  }

  /**
   * A handle this driver would give the volume (or snapshot) of {@code freshUid}, which was
   * never provisioned, given one it gave for {@code knownUid}: the suite deletes it and
   * expects success. The default swaps the uid inside the handle, as STORAGE.md wants
   * handles to include the uid; a driver whose handles are backend ids overrides it.
   */
  default String unknownHandle(String knownHandle, String knownUid, String freshUid) {
    if (!knownHandle.contains(knownUid)) {
      throw new AssertionError("handle '" + knownHandle + "' does not contain its uid '" + knownUid
          + "', so the suite cannot make an unknown one; derive handles from the uid (STORAGE.md:"
          + " a new volume must never adopt old storage) or override ConformanceTarget.unknownHandle");
    }
    return knownHandle.replace(knownUid, freshUid);
  }
}
