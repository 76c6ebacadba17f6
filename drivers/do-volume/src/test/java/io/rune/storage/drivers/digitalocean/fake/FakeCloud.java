package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.drivers.digitalocean.fake.Fault.ActionErrored;
import io.rune.storage.drivers.digitalocean.fake.Fault.ActionFault;
import io.rune.storage.drivers.digitalocean.fake.Fault.ActionInProgress;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The account the fake serves: volumes, snapshots, volume actions and droplets in memory,
 * with DigitalOcean's rules. Every method holds the one lock briefly and does no I/O, so it
 * may be called from an event loop and from the test's thread alike.
 *
 * <p>An action answers in-progress when it is started and ends at the next look at the
 * account (any request), unless a fault holds it; its effect (droplet_ids, the new size)
 * shows when it has completed. While an attach or detach runs, its droplet has a pending
 * event.
 */
final class FakeCloud {
  static final int DEFAULT_MAX_VOLUMES_PER_DROPLET = 15;
  static final long MAX_SIZE_GIGABYTES = 16384;
  private static final Pattern VOLUME_NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  private static final Set<String> FILESYSTEMS = Set.of("", "ext4", "xfs");
  private static final long FIRST_ACTION_ID = 1_900_000_001L;

  /** A create request's fields, with godo's empty strings for the unset ones. */
  record VolumeRequest(String name, String region, long sizeGigabytes, String description, String snapshotId,
      String filesystemType, String filesystemLabel, List<String> tags) {
  }

  private final Clock clock;
  private final Map<String, DoVolume> volumes = new LinkedHashMap<>();
  private final Map<String, DoSnapshot> snapshots = new LinkedHashMap<>();
  private final Map<Long, RunningAction> actions = new LinkedHashMap<>();
  private final Map<Long, String> droplets = new LinkedHashMap<>();
  private final Set<String> regionsWithoutStorage = new HashSet<>();
  private long nextActionId = FIRST_ACTION_ID;
  private int maxVolumesPerDroplet = DEFAULT_MAX_VOLUMES_PER_DROPLET;
  private long capacityGigabytes = Long.MAX_VALUE;
  private boolean listsEveryRegion;

  FakeCloud(Clock clock) {
    this.clock = clock;
  }

  synchronized void addDroplet(long id, String region) {
    droplets.put(id, Objects.requireNonNull(region, "region"));
  }

  synchronized void setMaxVolumesPerDroplet(int max) {
    maxVolumesPerDroplet = max;
  }

  synchronized void setCapacityGigabytes(long gigabytes) {
    capacityGigabytes = gigabytes;
  }

  synchronized void listEveryRegion(boolean every) {
    listsEveryRegion = every;
  }

  /** A volume made outside the API (by another tool, another account's console): no request is recorded. */
  synchronized DoVolume seedVolume(String name, String region, long sizeGigabytes, List<String> tags) {
    settle();
    DoVolume volume = new DoVolume(UUID.randomUUID().toString(), name, region, sizeGigabytes, "", "ext4", "",
        tags, List.of(), now());
    volumes.put(volume.id(), volume);
    return volume;
  }

  synchronized void withoutStorage(String region) {
    regionsWithoutStorage.add(region);
  }

  synchronized DoVolume createVolume(VolumeRequest request) {
    settle();
    if (!VOLUME_NAME.matcher(request.name()).matches()) {
      throw ApiError.unprocessable("Name must be lowercase and composed only of numbers, letters and \"-\", up to a"
          + " limit of 64 characters, and must begin with a letter.");
    }
    if (regionsWithoutStorage.contains(request.region())) {
      throw ApiError.unprocessable("Storage is not supported for this region");
    }
    checkSize(request.sizeGigabytes());
    if (!FILESYSTEMS.contains(request.filesystemType())) {
      throw ApiError.unprocessable("filesystem_type must be ext4 or xfs, not \"" + request.filesystemType() + "\"");
    }
    if (volumeNamed(request.name(), request.region()).isPresent()) {
      throw ApiError.NAME_TAKEN;
    }
    if (!request.snapshotId().isEmpty()) {
      checkRestorable(request);
    }
    checkCapacity(request.sizeGigabytes());
    DoVolume volume = new DoVolume(UUID.randomUUID().toString(), request.name(), request.region(),
        request.sizeGigabytes(), request.description(), request.filesystemType(), request.filesystemLabel(),
        request.tags(), List.of(), now());
    volumes.put(volume.id(), volume);
    return volume;
  }

  private void checkRestorable(VolumeRequest request) {
    DoSnapshot snapshot = snapshots.get(request.snapshotId());
    if (snapshot == null) {
      throw ApiError.NOT_FOUND;
    }
    if (!snapshot.region().equals(request.region())) {
      throw ApiError.unprocessable("The snapshot is not available in region " + request.region());
    }
    if (request.sizeGigabytes() < snapshot.minDiskSize()) {
      throw ApiError.unprocessable("size_gigabytes must be at least the snapshot's min_disk_size of "
          + snapshot.minDiskSize());
    }
  }

  private static void checkSize(long gigabytes) {
    if (gigabytes < 1 || gigabytes > MAX_SIZE_GIGABYTES) {
      throw ApiError.unprocessable("size_gigabytes must be between 1 and " + MAX_SIZE_GIGABYTES + ", not " + gigabytes);
    }
  }

  private void checkCapacity(long moreGigabytes) {
    long used = volumes.values().stream().mapToLong(DoVolume::sizeGigabytes).sum()
        + snapshots.values().stream().mapToLong(DoSnapshot::minDiskSize).sum();
    if (used + moreGigabytes > capacityGigabytes) {
      throw ApiError.CAPACITY_LIMIT;
    }
  }

  /** The volumes, oldest first, with this name and in this region where those are given. */
  synchronized List<DoVolume> volumes(String name, String region) {
    settle();
    return volumes.values().stream()
        .filter(v -> name == null || v.name().equals(name))
        .filter(v -> region == null || v.region().equals(region))
        .toList();
  }

  /** The list endpoint's answer: as {@link #volumes}, but the region filter is dropped when told to. */
  synchronized List<DoVolume> listed(String name, String region) {
    return volumes(name, listsEveryRegion ? null : region);
  }

  synchronized DoVolume volume(String id) {
    settle();
    return existing(id);
  }

  private DoVolume existing(String volumeId) {
    DoVolume volume = volumes.get(volumeId);
    if (volume == null) {
      throw ApiError.NOT_FOUND;
    }
    return volume;
  }

  synchronized void deleteVolume(String id) {
    settle();
    delete(existing(id));
  }

  synchronized void deleteVolume(String name, String region) {
    settle();
    delete(volumeNamed(name, region).orElseThrow(() -> ApiError.NOT_FOUND));
  }

  private void delete(DoVolume volume) {
    boolean attaching = running().anyMatch(a -> a.volumeId().equals(volume.id()) && a.type().equals("attach_volume"));
    if (!volume.dropletIds().isEmpty() || attaching) {
      throw ApiError.ATTACHED_VOLUME_CANNOT_BE_DELETED;
    }
    volumes.remove(volume.id());
  }

  private Optional<DoVolume> volumeNamed(String name, String region) {
    return volumes.values().stream().filter(v -> v.name().equals(name) && v.region().equals(region)).findFirst();
  }

  /** Finds the volume by name for the actions-by-name endpoint; the region defaults to the droplet's. */
  synchronized String volumeId(String name, String region, long dropletId) {
    settle();
    String where = region != null ? region : droplets.get(dropletId);
    return volumeNamed(name, where).orElseThrow(() -> ApiError.NOT_FOUND).id();
  }

  synchronized DoAction attach(String volumeId, long dropletId, Supplier<Optional<ActionFault>> fault) {
    settle();
    DoVolume volume = existing(volumeId);
    String dropletRegion = droplets.get(dropletId);
    if (dropletRegion == null) {
      throw ApiError.NOT_FOUND;
    }
    if (!dropletRegion.equals(volume.region())) {
      // Not on the facts page or in the spec; DigitalOcean refuses it, the wording is this fake's.
      throw ApiError.unprocessable("The volume and the Droplet must be in the same region (volume " + volume.region()
          + ", Droplet " + dropletRegion + ")");
    }
    checkNoPendingEvent(dropletId);
    if (volume.dropletIds().contains(dropletId)) {
      throw ApiError.ALREADY_ATTACHED;
    }
    if (!volume.dropletIds().isEmpty()) {
      throw ApiError.unprocessable("The volume is attached to another Droplet (" + volume.dropletIds().get(0)
          + "); detach it first");
    }
    long attached = volumes.values().stream().filter(v -> v.dropletIds().contains(dropletId)).count();
    if (attached >= maxVolumesPerDroplet) {
      // The current wording csi-digitalocean matches on (it was "cannot attach more than 7 volumes to a single Droplet").
      throw ApiError.unprocessable("cannot attach more volumes to the Droplet");
    }
    return start(volume, "attach_volume", dropletId, null, fault);
  }

  synchronized DoAction detach(String volumeId, long dropletId, Supplier<Optional<ActionFault>> fault) {
    settle();
    DoVolume volume = existing(volumeId);
    if (!droplets.containsKey(dropletId)) {
      throw ApiError.NOT_FOUND;
    }
    checkNoPendingEvent(dropletId);
    if (!volume.dropletIds().contains(dropletId)) {
      throw ApiError.ATTACHMENT_NOT_FOUND;
    }
    return start(volume, "detach_volume", dropletId, null, fault);
  }

  synchronized DoAction resize(String volumeId, long sizeGigabytes, String region,
      Supplier<Optional<ActionFault>> fault) {
    settle();
    DoVolume volume = existing(volumeId);
    if (region != null && !region.equals(volume.region())) {
      // Not on the facts page or in the spec; DigitalOcean refuses it, the wording is this fake's.
      throw ApiError.unprocessable("The volume is in " + volume.region() + ", not in " + region);
    }
    if (sizeGigabytes <= volume.sizeGigabytes()) {
      throw ApiError.unprocessable("A volume can only be resized upwards: " + sizeGigabytes
          + " GiB is not more than its " + volume.sizeGigabytes() + " GiB");
    }
    checkSize(sizeGigabytes);
    checkCapacity(sizeGigabytes - volume.sizeGigabytes());
    return start(volume, "resize_volume", null, sizeGigabytes, fault);
  }

  private void checkNoPendingEvent(long dropletId) {
    if (running().anyMatch(a -> Objects.equals(a.dropletId(), dropletId))) {
      throw ApiError.PENDING_EVENT;
    }
  }

  private DoAction start(DoVolume volume, String type, Long dropletId, Long size,
      Supplier<Optional<ActionFault>> fault) {
    DoAction action = new DoAction(nextActionId++, volume.id(), type, DoAction.IN_PROGRESS, dropletId, size,
        volume.region(), now(), null);
    RunningAction running = new RunningAction(action);
    fault.get().ifPresent(f -> {
      if (f instanceof ActionInProgress held) {
        running.untilReleased = held.polls() < 0;
        running.pollsLeft = Math.max(held.polls(), 0);
      } else if (f instanceof ActionErrored) {
        running.endsErrored = true;
      }
    });
    actions.put(action.id(), running);
    return action;
  }

  /** The volume's actions, newest first. */
  synchronized List<DoAction> actions(String volumeId) {
    settle();
    existing(volumeId);
    return actions.values().stream().map(a -> a.action).filter(a -> a.volumeId().equals(volumeId))
        .sorted(Comparator.comparingLong(DoAction::id).reversed()).toList();
  }

  /** One read of an action (a poll): a hold for so many polls counts down here. */
  synchronized DoAction pollAction(String volumeId, long actionId) {
    RunningAction running = actions.get(actionId);
    if (running == null || !running.action.volumeId().equals(volumeId)) {
      throw ApiError.NOT_FOUND;
    }
    if (running.action.inProgress() && running.pollsLeft > 0) {
      running.pollsLeft--;
      return running.action;
    }
    settle();
    return running.action;
  }

  /** Lets every action held until released end; returns how many there were. */
  synchronized int releaseActions() {
    int released = 0;
    for (RunningAction running : actions.values()) {
      if (running.untilReleased) {
        running.untilReleased = false;
        released++;
      }
    }
    settle();
    return released;
  }

  private Stream<DoAction> running() {
    return actions.values().stream().map(a -> a.action).filter(DoAction::inProgress);
  }

  /** Ends the actions nothing holds, applying what they do. */
  private void settle() {
    for (RunningAction running : actions.values()) {
      if (running.action.inProgress() && !running.held()) {
        boolean applied = !running.endsErrored && apply(running.action);
        running.action = running.action.ended(applied ? DoAction.COMPLETED : DoAction.ERRORED, now());
      }
    }
  }

  private boolean apply(DoAction action) {
    DoVolume volume = volumes.get(action.volumeId());
    if (volume == null) {
      return false;
    }
    DoVolume changed = switch (action.type()) {
      case "attach_volume" -> volume.attachedTo(action.dropletId());
      case "detach_volume" -> volume.detachedFrom(action.dropletId());
      default -> volume.withSize(action.sizeGigabytes());
    };
    volumes.put(volume.id(), changed);
    return true;
  }

  synchronized DoSnapshot createSnapshot(String volumeId, String name, List<String> tags) {
    settle();
    DoVolume volume = existing(volumeId);
    if (name.isBlank()) {
      throw ApiError.unprocessable("name is required");
    }
    if (snapshots.values().stream().anyMatch(s -> s.volumeId().equals(volumeId) && s.name().equals(name))) {
      throw ApiError.NAME_TAKEN;
    }
    checkCapacity(volume.sizeGigabytes());
    DoSnapshot snapshot = new DoSnapshot(UUID.randomUUID().toString(), name, volumeId, volume.region(),
        volume.sizeGigabytes(), tags, now());
    snapshots.put(snapshot.id(), snapshot);
    return snapshot;
  }

  /** All snapshots, or those of one volume, oldest first. */
  synchronized List<DoSnapshot> snapshots(String volumeId) {
    settle();
    if (volumeId != null) {
      existing(volumeId);
    }
    return snapshots.values().stream().filter(s -> volumeId == null || s.volumeId().equals(volumeId)).toList();
  }

  synchronized DoSnapshot snapshot(String id) {
    settle();
    DoSnapshot snapshot = snapshots.get(id);
    if (snapshot == null) {
      throw volumes.containsKey(id)
          ? new ApiError(400, "bad_request", "the resource is not a snapshot")
          : ApiError.NOT_FOUND;
    }
    return snapshot;
  }

  synchronized void deleteSnapshot(String id) {
    snapshots.remove(snapshot(id).id());
  }

  synchronized List<DoAction> allActions() {
    settle();
    return actions.values().stream().map(a -> a.action).toList();
  }

  synchronized void reset() {
    volumes.clear();
    snapshots.clear();
    actions.clear();
    droplets.clear();
    regionsWithoutStorage.clear();
    nextActionId = FIRST_ACTION_ID;
    maxVolumesPerDroplet = DEFAULT_MAX_VOLUMES_PER_DROPLET;
    capacityGigabytes = Long.MAX_VALUE;
    listsEveryRegion = false;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
