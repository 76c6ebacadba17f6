package io.rune.storage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rune.storage.model.AccessMode;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.Names;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.ValidationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code rune volume create}, checked here by the model's own rules before anything
 * is sent (the only checks {@code --dry-run=client} runs): name, size, access mode and labels.
 */
final class VolumeInput {
  private VolumeInput() {}

  static ObjectNode body(String name, String size, String storageClass, String accessMode, List<String> labels) {
    ObjectNode body = CliJson.MAPPER.createObjectNode().put("name", name).put("size", size);
    Map<String, String> labelMap = labels(labels);
    try {
      Names.checkName("name", name);
      Quantity.parseBytes("size", size);
      if (storageClass != null) {
        Names.checkName("--storage-class", storageClass);
        body.put("storageClassName", storageClass);
      }
      LabelSelector.checkLabels("--label", labelMap);
    } catch (ValidationException invalid) {
      throw new CliException(invalid.getMessage());
    }
    if (accessMode != null) {
      // The short names (RWO...) are sent as the full names the server stores, by the model's one table of them.
      AccessMode mode = AccessMode.parse(AccessMode.fullName(accessMode)).orElseThrow(() -> new CliException(
          "--access-mode '" + accessMode + "' is not an access mode: use RWO, ROX, RWX, ReadWriteOnce, ReadOnlyMany"
              + " or ReadWriteMany"));
      body.put("accessMode", mode.name());
    }
    if (!labelMap.isEmpty()) {
      ObjectNode labelNode = body.putObject("labels");
      labelMap.forEach(labelNode::put);
    }
    return body;
  }

  private static Map<String, String> labels(List<String> pairs) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : pairs == null ? List.<String>of() : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new CliException("--label takes KEY=VALUE, not '" + pair + "'");
      }
      labels.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return labels;
  }
}
