package io.rune.storage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rune.storage.model.ValidationException;
import io.rune.storage.model.VolumeOwnership;
import picocli.CommandLine.Option;

/** The owner and mode of a new volume's root directory, for {@code volume create} and the restores. */
final class OwnershipOptions {
  @Option(names = "--fs-user", paramLabel = "UID", description = "The uid that owns its root directory (fsUser),"
      + " set when the storage is made.")
  Long fsUser;

  @Option(names = "--fs-group", paramLabel = "GID", description = "The gid of its root directory (fsGroup).")
  Long fsGroup;

  @Option(names = "--fs-mode", paramLabel = "MODE", description = "The mode of its root directory (fsMode), 3 or 4"
      + " octal digits such as 0750.")
  String fsMode;

  /**
   * Adds the fields asked for to {@code body}, checked first by the model's rules (so that
   * {@code --dry-run=client} checks them too).
   */
  void addTo(ObjectNode body) {
    VolumeOwnership ownership = VolumeOwnership.of(fsUser, fsGroup, fsMode);
    if (ownership == null) {
      return;
    }
    try {
      ownership.check("");
    } catch (ValidationException invalid) {
      throw new CliException(invalid.getMessage());
    }
    body.setAll(CliJson.MAPPER.<ObjectNode>valueToTree(ownership));
  }
}
