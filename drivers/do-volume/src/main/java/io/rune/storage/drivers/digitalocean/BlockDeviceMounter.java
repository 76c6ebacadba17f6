package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Puts an attached block device at a directory on this droplet: formats it only when it
 * holds no filesystem at all (a volume with data is never formatted, whatever the class
 * says), then mounts it and grows its filesystem to the device (a volume resized while it
 * was not mounted here gets its new space at its next mount). Every step looks before it
 * acts, so mounting twice, or after a crash half-way, ends in the same state.
 *
 * <p>A tool that fails on this device is a fault of this volume, not of DigitalOcean: it
 * never feeds the breaker. A tool that cannot be run at all is this droplet's problem.
 */
final class BlockDeviceMounter {
  static final Set<String> FS_TYPES = Set.of("ext4", "xfs");
  /** blkid's exit status when it found no filesystem on the device. */
  private static final int BLKID_NOTHING_FOUND = 2;
  /** findmnt's exit status when nothing is mounted there. */
  private static final int FINDMNT_NOTHING = 1;
  static final String DEVICE_COMMAND_FAILED = "DeviceCommandFailed";
  static final String FS_NOT_GROWN = "FilesystemNotGrown";
  static final String TARGET_IN_USE = "MountTargetInUse";
  static final String NO_FILESYSTEM = "NoFilesystem";

  private final CommandExecutor commands;

  BlockDeviceMounter(CommandExecutor commands) {
    this.commands = commands;
  }

  /** Mounts {@code device} at {@code target}; {@code fsType} is used only to format a blank device. */
  Future<String> mount(String device, String target, String fsType, boolean readOnly) {
    return run("blkid", "-p", "-s", "TYPE", "-o", "value", device).compose(probe -> {
      if (probe.ok()) {
        return Future.succeededFuture(probe.stdout().strip());
      }
      if (probe.exitCode() != BLKID_NOTHING_FOUND) {
        return failed("blkid could not read " + device, probe);
      }
      if (readOnly) {
        return DoFaults.failed(DriverError.PERMANENT, NO_FILESYSTEM, "device " + device
            + " holds no filesystem and the mount is read-only, so it cannot be formatted");
      }
      List<String> mkfs = fsType.equals("xfs") ? List.of("mkfs.xfs", device) : List.of("mkfs.ext4", "-F", device);
      return run(mkfs).compose(made -> made.ok() ? Future.succeededFuture(fsType)
          : failed("formatting " + device + " as " + fsType + " failed", made));
    }).compose(existing -> run("mkdir", "-p", target).compose(made -> made.ok()
        ? mountedAt(target) : failed("could not create " + target, made))
        .compose(source -> source == null ? mountNow(device, target, existing, readOnly)
            : alreadyMounted(device, target, source)));
  }

  /** Releases the executor's workers, if it has any. */
  void close() {
    if (commands instanceof ProcessCommandExecutor processes) {
      processes.close();
    }
  }

  /** Unmounts {@code target}; nothing mounted there is success. */
  Future<Void> unmount(String target) {
    return mountedAt(target).compose(source -> source == null ? Future.succeededFuture()
        : run("umount", target).compose(done -> done.ok() ? Future.<Void>succeededFuture()
            : failed("umount " + target + " failed", done)));
  }

  private Future<String> mountNow(String device, String target, String fsType, boolean readOnly) {
    List<String> mount = new ArrayList<>(List.of("mount", "-t", fsType));
    if (readOnly) {
      mount.addAll(List.of("-o", "ro"));
    }
    mount.addAll(List.of(device, target));
    return run(mount).compose(done -> !done.ok() ? failed("mount of " + device + " at " + target + " failed", done)
        : readOnly ? Future.succeededFuture(target) : grow(device, target, fsType).map(target));
  }

  /**
   * Grows the filesystem on {@code device} to the device's size, if the device is mounted on
   * this droplet (ext4 and xfs grow while mounted); not mounted here: nothing to do now, its
   * next mount grows it. Growing what already fills its device changes nothing.
   */
  Future<Void> grow(String device) {
    return run("readlink", "-f", device).compose(resolved -> run("findmnt", "-n", "-o", "TARGET,FSTYPE",
        "--source", resolved.ok() ? resolved.stdout().strip() : device)).compose(found -> {
          if (found.exitCode() == FINDMNT_NOTHING) {
            return Future.succeededFuture();
          }
          if (!found.ok()) {
            return failed("findmnt could not tell where " + device + " is mounted", found);
          }
          String[] first = found.stdout().strip().split("\\R")[0].trim().split("\\s+");
          return first.length < 2 ? Future.succeededFuture() : grow(device, first[0], first[1]);
        });
  }

  private Future<Void> grow(String device, String target, String fsType) {
    List<String> command = switch (fsType) {
      case "ext4" -> List.of("resize2fs", device);
      case "xfs" -> List.of("xfs_growfs", target);
      default -> null;
    };
    if (command == null) {
      return DoFaults.failed(DriverError.PERMANENT, FS_NOT_GROWN, device + " holds " + fsType
          + ", which Rune cannot grow; only ext4 and xfs grow with their volume");
    }
    return run(command).compose(done -> done.ok() ? Future.<Void>succeededFuture()
        : failed("growing the " + fsType + " filesystem of " + device + " at " + target + " failed", done));
  }

  /** Mounted already: fine if it is this device (its by-id link resolves to the source), an error if another. */
  private Future<String> alreadyMounted(String device, String target, String source) {
    return run("readlink", "-f", device).compose(resolved -> {
      String real = resolved.stdout().strip();
      if (source.equals(device) || source.equals(real)) {
        return Future.succeededFuture(target);
      }
      return DoFaults.failed(DriverError.PERMANENT, TARGET_IN_USE, target + " already has " + source
          + " mounted, not " + device + " (" + real + "); unmount it first");
    });
  }

  /** The device mounted at {@code target}, or null when nothing is. */
  private Future<String> mountedAt(String target) {
    return run("findmnt", "-n", "-o", "SOURCE", "--mountpoint", target).compose(found -> {
      if (found.ok()) {
        return Future.succeededFuture(found.stdout().strip());
      }
      return found.exitCode() == FINDMNT_NOTHING ? Future.succeededFuture(null)
          : failed("findmnt could not tell what is mounted at " + target, found);
    });
  }

  private Future<CommandExecutor.Result> run(String... command) {
    return run(List.of(command));
  }

  private Future<CommandExecutor.Result> run(List<String> command) {
    return commands.run(command).recover(e -> Future.failedFuture(new DriverException(DriverError.TRANSIENT,
        "could not run " + command.get(0) + ": " + e.getMessage(), e)));
  }

  private static <T> Future<T> failed(String what, CommandExecutor.Result result) {
    String said = result.stderr().isBlank() ? result.stdout().strip() : result.stderr().strip();
    return DoFaults.failed(DriverError.TRANSIENT, DEVICE_COMMAND_FAILED, what + " (exit " + result.exitCode()
        + (said.isEmpty() ? "" : ": " + said) + ")");
  }
}
