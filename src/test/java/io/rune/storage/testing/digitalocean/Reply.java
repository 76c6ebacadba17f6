package io.rune.storage.testing.digitalocean;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the fake answers: a status, headers and a JSON body (null for 204). */
record Reply(int status, Map<String, String> headers, JsonObject body) {

  Reply {
    headers = Map.copyOf(headers);
  }

  static Reply json(int status, JsonObject body) {
    return new Reply(status, Map.of(), body);
  }

  static Reply noContent() {
    return new Reply(204, Map.of(), null);
  }

  Reply withHeaders(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.putAll(more);
    return new Reply(status, all, body);
  }
}
