package io.rune.storage.driver.fakecloud;

import java.util.Arrays;

/** Which requests a fault is for: a method and a path. */
@FunctionalInterface
public interface RequestMatch {

  boolean matches(String method, String path);

  static RequestMatch any() {
    return (method, path) -> true;
  }

  /**
   * Requests with this method (any case) and a path like the pattern, where a {@code *} segment
   * stands for any one segment: <code>of("POST", "/v2/volumes/&#42;/actions")</code>.
   */
  static RequestMatch of(String method, String pathPattern) {
    String[] pattern = pathPattern.split("/", -1);
    return (requestMethod, path) -> {
      String[] segments = path.split("/", -1);
      if (!requestMethod.equalsIgnoreCase(method) || segments.length != pattern.length) {
        return false;
      }
      return Arrays.equals(pattern, segments, (p, s) -> p.equals("*") || p.equals(s) ? 0 : 1);
    };
  }
}
