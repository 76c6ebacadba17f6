package io.rune.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The 10,000 volumes of the memory and listing measurements: loading them and listing them. */
final class VolumeCatalog {
  static final String NAMESPACE = "bench";
  static final int COUNT = 10_000;
  static final int PAGE = 1000;
  private static final int BATCH = 500;
  private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(60);

  private VolumeCatalog() {}

  static String name(int i) {
    return String.format("vol-%05d", i);
  }

  /** Loads them through /apply, {@value #BATCH} per request (one transaction each). */
  static void load(HttpTarget runed) {
    for (int first = 0; first < COUNT; first += BATCH) {
      JsonArray documents = new JsonArray();
      for (int i = first; i < Math.min(COUNT, first + BATCH); i++) {
        documents.add(new JsonObject().put("volume", new JsonObject()
            .put("name", name(i)).put("namespace", NAMESPACE).put("size", "1Gi").put("labels",
                new JsonObject().put("app", "bench").put("shard", Integer.toString(i % 16)))));
      }
      Await.result(runed.send(HttpMethod.POST, "/api/v1/apply", documents.toBuffer(), 200),
          REQUEST_DEADLINE, "applying volumes " + first + "..");
    }
  }

  /** Lists the namespace page by page, following continue; answers the wall time in ms. */
  static double listAll(HttpTarget runed) {
    long start = System.nanoTime();
    int items = 0;
    String next = null;
    for (int page = 0; page <= COUNT / PAGE + 1; page++) {
      String uri = "/api/v1/namespaces/" + NAMESPACE + "/volumes?limit=" + PAGE
          + (next == null ? "" : "&continue=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
      Buffer body = Await.result(runed.send(HttpMethod.GET, uri, null, 200), REQUEST_DEADLINE, "listing " + uri);
      JsonObject answer = body.toJsonObject();
      items += answer.getJsonArray("items").size();
      next = answer.getString("continue");
      if (next == null) {
        break;
      }
    }
    double millis = (System.nanoTime() - start) / 1e6;
    if (items != COUNT || next != null) {
      throw new IllegalStateException("the listing gave " + items + " volumes instead of " + COUNT);
    }
    return millis;
  }
}
