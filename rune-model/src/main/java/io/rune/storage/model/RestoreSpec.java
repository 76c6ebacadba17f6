package io.rune.storage.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;

/**
 * The body of {@code POST …/volumes/{name}/restore}: make volume {name} from a snapshot.
 *
 * @param snapshotNamespace where the snapshot is; the volume's namespace when omitted
 * @param storageClassName the new volume's class; when omitted, the class of the volume the
 *     snapshot was taken from, if it still exists, else the default class
 * @param size at least the snapshot's size; the snapshot's size when omitted
 * @param fsUser the new volume's, as on a volume (and so for fsGroup and fsMode); when all are
 *     omitted, the root directory keeps what the snapshot's copy has
 */
public record RestoreSpec(String fromSnapshot, String snapshotNamespace, String storageClassName, String size,
    Map<String, String> labels, Long fsUser, Long fsGroup,
    @JsonDeserialize(using = VolumeOwnership.ModeText.class) String fsMode) {}
