package io.rune.storage.driver.fakecloud;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a fake cloud API answers: a status, headers and a JSON body (null for 204). */
public record Reply(int status, Map<String, String> headers, JsonObject body) {

  public Reply {
    headers = Map.copyOf(headers);
  }

  public static Reply json(int status, JsonObject body) {
    return new Reply(status, Map.of(), body);
  }

  public static Reply noContent() {
    return new Reply(204, Map.of(), null);
  }

  public Reply withHeaders(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.putAll(more);
    return new Reply(status, all, body);
  }
}
