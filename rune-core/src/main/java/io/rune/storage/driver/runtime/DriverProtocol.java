package io.rune.storage.driver.runtime;

import static io.rune.storage.driver.runtime.DriverMessages.MADE_SNAPSHOT;
import static io.rune.storage.driver.runtime.DriverMessages.MOUNT_REQUEST;
import static io.rune.storage.driver.runtime.DriverMessages.NEW_SIZE;
import static io.rune.storage.driver.runtime.DriverMessages.NOTHING;
import static io.rune.storage.driver.runtime.DriverMessages.PROVISIONED;
import static io.rune.storage.driver.runtime.DriverMessages.PROVISION_REQUEST;
import static io.rune.storage.driver.runtime.DriverMessages.RESTORE_REQUEST;
import static io.rune.storage.driver.runtime.DriverMessages.SNAPSHOT_REQUEST;
import static io.rune.storage.driver.runtime.DriverMessages.TEXT;
import static io.rune.storage.driver.runtime.DriverMessages.VOLUME_ON_NODE;
import static io.rune.storage.driver.runtime.DriverMessages.VOLUME_USAGE;
import static io.rune.storage.driver.runtime.DriverMessages.field;

import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.driver.runtime.DriverMessages.NewSize;
import io.rune.storage.driver.runtime.DriverMessages.VolumeOnNode;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every operation a driver answers on the event bus ({@code rune.driver.<name>[.<node>]}, as
 * docs/EVENT-BUS.md describes it), written once. A call is {@code {"op", "ctx", "args"}}, its
 * reply {@code {"result"}}, its failure {@code fail(500, <DriverException JSON>)}; a long one
 * sends {@link DriverMessages#PROGRESS_REPORT progress reports} to an address of its own.
 * Adding a StorageDriver method that the controllers call means adding its operation here and
 * a one-line method to RemoteDriver; DriverVerticle finds it by name.
 *
 * <p>Names and fields are what nodes of other builds send and read: never rename one.
 */
final class DriverProtocol {
  static final String OP = "op";
  static final String CTX = "ctx";
  static final String ARGS = "args";
  static final String RESULT = "result";
  /**
   * Where the progress reports of one call go: this, then a fresh UUID (the call's
   * {@code ctx.progressAddress}). The segment {@code progress} tells it from a driver's address.
   */
  static final String PROGRESS_ADDRESSES = "rune.driver.progress.";

  static final DriverOperation<ProvisionRequest, ProvisionedVolume> PROVISION =
      new DriverOperation<>("provision", PROVISION_REQUEST, PROVISIONED, StorageDriver::provision);
  static final DriverOperation<ProvisionRequest, String> FIND =
      new DriverOperation<>("find", PROVISION_REQUEST, TEXT, StorageDriver::find);
  static final DriverOperation<String, Void> DELETE =
      new DriverOperation<>("delete", field("handle"), NOTHING, StorageDriver::delete);
  static final DriverOperation<VolumeOnNode, String> ATTACH = new DriverOperation<>("attach", VOLUME_ON_NODE, TEXT,
      (driver, ctx, r) -> driver.attach(ctx, r.handle(), r.node()));
  static final DriverOperation<VolumeOnNode, Void> DETACH = new DriverOperation<>("detach", VOLUME_ON_NODE, NOTHING,
      (driver, ctx, r) -> driver.detach(ctx, r.handle(), r.node()));
  static final DriverOperation<MountRequest, String> MOUNT =
      new DriverOperation<>("mount", MOUNT_REQUEST, TEXT, StorageDriver::mount);
  static final DriverOperation<String, Void> UNMOUNT =
      new DriverOperation<>("unmount", field("target"), NOTHING, StorageDriver::unmount);
  static final DriverOperation<SnapshotRequest, MadeSnapshot> SNAPSHOT =
      new DriverOperation<>("snapshot", SNAPSHOT_REQUEST, MADE_SNAPSHOT, StorageDriver::snapshot);
  static final DriverOperation<RestoreRequest, ProvisionedVolume> RESTORE =
      new DriverOperation<>("restore", RESTORE_REQUEST, PROVISIONED, StorageDriver::restore);
  static final DriverOperation<String, Void> DELETE_SNAPSHOT =
      new DriverOperation<>("deleteSnapshot", field("handle"), NOTHING, StorageDriver::deleteSnapshot);
  static final DriverOperation<NewSize, Void> EXPAND = new DriverOperation<>("expand", NEW_SIZE, NOTHING,
      (driver, ctx, r) -> driver.expand(ctx, r.handle(), r.sizeBytes()));
  static final DriverOperation<String, VolumeUsage> USAGE =
      new DriverOperation<>("usage", field("handle"), VOLUME_USAGE, StorageDriver::usage);

  private static final Map<String, DriverOperation<?, ?>> BY_NAME = byName(PROVISION, FIND, DELETE, ATTACH, DETACH,
      MOUNT, UNMOUNT, SNAPSHOT, RESTORE, DELETE_SNAPSHOT, EXPAND, USAGE);

  private DriverProtocol() {}

  static Collection<DriverOperation<?, ?>> all() {
    return BY_NAME.values();
  }

  static Collection<String> names() {
    return BY_NAME.keySet();
  }

  static Optional<DriverOperation<?, ?>> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  private static Map<String, DriverOperation<?, ?>> byName(DriverOperation<?, ?>... operations) {
    Map<String, DriverOperation<?, ?>> byName = new LinkedHashMap<>();
    for (DriverOperation<?, ?> operation : operations) {
      if (byName.put(operation.name(), operation) != null) {
        throw new IllegalStateException("two driver operations are named '" + operation.name() + "'");
      }
    }
    return Collections.unmodifiableMap(byName);
  }
}
