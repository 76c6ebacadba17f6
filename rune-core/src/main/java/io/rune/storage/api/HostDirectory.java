package io.rune.storage.api;

import io.rune.storage.model.StorageClassSpec.TopologyTerm;
import io.rune.storage.model.Topology;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host directory of a local-host volume as the write found it: the hostPath as written,
 * its real location, and the {@value Topology#HOST_PATH_ROOT} it lies under, which is the
 * volume's, whatever its topology says, and which its class's allowedTopologies must allow.
 */
record HostDirectory(String hostPath, Path real, String root) {

  /**
   * Refuses (422 TopologyNotAllowed) a directory outside the root the volume's topology asks
   * for, or under a root its class does not allow; then puts the root into {@code topology},
   * the labels the class's allowedTopologies are checked against.
   */
  void checkAgainst(String className, List<TopologyTerm> allowed, Map<String, String> topology) {
    String asked = topology.get(Topology.HOST_PATH_ROOT);
    if (asked != null && !Topology.under(real.toString(), asked)) {
      throw ApiException.unprocessable("TopologyNotAllowed", "topology", "hostPath \"" + hostPath + "\""
          + located() + " is not under " + asked + ", the " + Topology.HOST_PATH_ROOT + " that topology asks for");
    }
    Map<String, String> others = new HashMap<>(topology);
    others.remove(Topology.HOST_PATH_ROOT);
    topology.put(Topology.HOST_PATH_ROOT, root);
    if (!Topology.allows(allowed, topology) && Topology.allows(allowed, others)) {
      // The directory is what the user chose (the root follows from it): the field to change.
      throw ApiException.unprocessable("TopologyNotAllowed", "hostPath", "hostPath \"" + hostPath + "\"" + located()
          + " lies under " + Topology.HOST_PATH_ROOT + " " + root + ", which class " + className + " does not allow;"
          + " use a directory under a root its allowedTopologies allow, or another class");
    }
  }

  private String located() {
    return real.toString().equals(hostPath) ? "" : " (really " + real + ")";
  }
}
