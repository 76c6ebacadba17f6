package io.rune.storage.drivers.digitalocean;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A droplet's block-device tools for tests: records every command the driver runs and
 * answers as blkid, mkfs, findmnt, mount, resize2fs and friends really do (their exit statuses and
 * output), from a small model of which devices exist, hold a filesystem, and are mounted
 * where. Devices appear when a test says a volume is attached.
 */
final class SimulatedDroplet implements CommandExecutor {
  private final List<List<String>> commands = new ArrayList<>();
  private final Set<String> devices = ConcurrentHashMap.newKeySet();
  private final Map<String, String> filesystems = new HashMap<>();
  /** Mount target to device. */
  private final Map<String, String> mounts = new HashMap<>();
  private final Map<String, Result> failures = new HashMap<>();
  private final Map<String, String> names = new HashMap<>();
  private final java.util.function.Predicate<String> attached;

  /** A droplet whose devices appear only when a test plugs them in. */
  SimulatedDroplet() {
    this(device -> false);
  }

  /** A droplet that also has every device {@code attached} says the cloud has attached to it. */
  SimulatedDroplet(java.util.function.Predicate<String> attached) {
    this.attached = attached;
  }

  /** The volume's by-id device is present, as after an attach. */
  synchronized void plugIn(String device) {
    devices.add(device);
  }

  synchronized void format(String device, String fsType) {
    filesystems.put(device, fsType);
  }

  /** The next run of {@code program} ends like this instead. */
  synchronized void failNext(String program, Result result) {
    failures.put(program, result);
  }

  synchronized List<List<String>> commands() {
    return List.copyOf(commands);
  }

  synchronized String filesystem(String device) {
    return filesystems.get(device);
  }

  synchronized String mountedAt(String target) {
    return mounts.get(target);
  }

  @Override
  public synchronized Future<Result> run(List<String> command) {
    commands.add(List.copyOf(command));
    Result failure = failures.remove(command.get(0));
    return Future.succeededFuture(failure != null ? failure : answer(command));
  }

  private boolean present(String device) {
    return devices.contains(device) || attached.test(device);
  }

  private Result answer(List<String> command) {
    String last = command.get(command.size() - 1);
    return switch (command.get(0)) {
      case "blkid" -> !present(last) ? new Result(2, "", "")
          : filesystems.containsKey(last) ? new Result(0, filesystems.get(last) + "\n", "") : new Result(2, "", "");
      case "mkfs.ext4", "mkfs.xfs" -> mkfs(command.get(0).substring(5), last);
      case "mkdir" -> new Result(0, "", "");
      case "findmnt" -> command.contains("--source") ? mountOf(last)
          : mounts.containsKey(last) ? new Result(0, real(mounts.get(last)) + "\n", "") : new Result(1, "", "");
      case "resize2fs", "xfs_growfs" -> new Result(0, "", "");
      case "readlink" -> new Result(0, real(last) + "\n", "");
      case "mount" -> mount(command);
      case "umount" -> mounts.remove(last) != null ? new Result(0, "", "")
          : new Result(32, "", "umount: " + last + ": not mounted.\n");
      default -> new Result(127, "", command.get(0) + ": command not found\n");
    };
  }

  private Result mkfs(String type, String device) {
    if (!present(device)) {
      return new Result(1, "", "mke2fs 1.47.0 (5-Feb-2023)\nThe file " + device
          + " does not exist and no size was specified.\n");
    }
    filesystems.put(device, type);
    return new Result(0, "Creating filesystem with 262144 4k blocks and 65536 inodes\nWriting superblocks and"
        + " filesystem accounting information: done\n", "");
  }

  private Result mount(List<String> command) {
    String device = command.get(command.size() - 2);
    String target = command.get(command.size() - 1);
    if (!present(device)) {
      return new Result(32, "", "mount: " + target + ": special device " + device + " does not exist.\n");
    }
    String type = command.get(command.indexOf("-t") + 1);
    if (!type.equals(filesystems.get(device))) {
      return new Result(32, "", "mount: " + target + ": wrong fs type, bad option, bad superblock on "
          + real(device) + ", missing codepage or helper program, or other error.\n");
    }
    mounts.put(target, device);
    return new Result(0, "", "");
  }

  /** findmnt --source: the target and type of the first mount of this (resolved) device. */
  private Result mountOf(String realDevice) {
    return mounts.entrySet().stream().filter(m -> real(m.getValue()).equals(realDevice)).findFirst()
        .map(m -> new Result(0, m.getKey() + " " + filesystems.get(m.getValue()) + "\n", ""))
        .orElse(new Result(1, "", ""));
  }

  /** What a by-id link resolves to: /dev/sda, /dev/sdb … in the order devices were first seen. */
  private String real(String device) {
    return names.computeIfAbsent(device, d -> "/dev/sd" + (char) ('a' + names.size()));
  }
}
