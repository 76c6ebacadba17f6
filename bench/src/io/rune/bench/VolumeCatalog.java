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

  /** Wall time of a whole listing, and the part of it the bench spent reading the pages. */
  record Listing(double millis, double parseMillis) {}

  /** Lists the namespace page by page, following continue, as a client does. */
  static Listing listAll(HttpTarget runed) {
    long start = System.nanoTime();
    long parsing = 0;
    int items = 0;
    String next = null;
    for (int page = 0; page <= COUNT / PAGE + 1; page++) {
      String uri = "/api/v1/namespaces/" + NAMESPACE + "/volumes?limit=" + PAGE
          + (next == null ? "" : "&continue=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
      Buffer body = Await.result(runed.send(HttpMethod.GET, uri, null, 200), REQUEST_DEADLINE, "listing " + uri);
      long parseStart = System.nanoTime();
      ListPage read = ListPage.read(body);
      parsing += System.nanoTime() - parseStart;
      items += read.items();
      next = read.continueToken();
      if (next == null) {
        break;
      }
    }
    double millis = (System.nanoTime() - start) / 1e6;
    if (items != COUNT || next != null) {
      throw new IllegalStateException("the listing gave " + items + " volumes instead of " + COUNT);
    }
    return new Listing(millis, parsing / 1e6);
  }
}
