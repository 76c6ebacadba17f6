package io.rune.storage.driver.conformance;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.Names;
import io.rune.storage.model.ValidationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What makes a driver's name and capabilities well-formed, as a list of what is wrong. */
final class CapabilityRules {
  private CapabilityRules() {}

  /**
   * The name is the provider's and a DNS label (it is part of event-bus addresses); the
   * capabilities are stable, name an access mode, have onlineExpand only with expand, and
   * well-formed topology keys.
   */
  static List<String> problems(StorageDriver driver, String providerName) {
    List<String> problems = new ArrayList<>();
    String name = driver.name();
    if (!providerName.equals(name)) {
      problems.add("name() is '" + name + "' but its provider registers '" + providerName
          + "'; StorageClasses name the provider, so the two must agree");
    }
    if (!Names.isValid(name)) {
      problems.add("name() '" + name + "' is not a DNS label (lowercase letters, digits and '-')");
    }
    DriverCapabilities caps = driver.capabilities();
    if (caps == null) {
      problems.add("capabilities() returned null");
      return problems;
    }
    if (!caps.equals(driver.capabilities())) {
      problems.add("capabilities() changed between two calls; the API validates writes against them");
    }
    // The record refuses the next two today; checked still, so relaxing it cannot pass unseen.
    if (caps.accessModes().isEmpty()) {
      problems.add("it advertises no access mode, so no volume could use it");
    }
    if (caps.onlineExpand() && !caps.expand()) {
      problems.add("it advertises onlineExpand without expand");
    }
    problems.addAll(topologyKeyProblems(caps.topologyKeys()));
    return problems;
  }

  /**
   * Topology keys are label keys with a prefix, like {@code rune.io/node}: volumes'
   * topology is checked as labels, and an unprefixed key would claim a bare name for
   * everyone. Each appears once.
   */
  static List<String> topologyKeyProblems(Collection<String> keys) {
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String key : keys) {
      if (!seen.add(key)) {
        problems.add("topology key '" + key + "' appears twice");
      } else if (!key.contains("/")) {
        problems.add("topology key '" + key + "' has no prefix; topology labels are namespaced, like rune.io/node");
      } else {
        try {
          LabelSelector.checkLabels("topologyKeys", Map.of(key, ""));
        } catch (ValidationException invalid) {
          problems.add(invalid.getMessage());
        }
      }
    }
    return problems;
  }
}
