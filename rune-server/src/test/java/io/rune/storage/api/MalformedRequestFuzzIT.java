package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.ErrorLines;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.RawHttp;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.contract.ApiContract;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 12's fuzz test: generated malformed requests over every endpoint of openapi.yaml,
 * every verb and content type. Each must get a 4xx in API.md's error body, store nothing
 * (the change-log head does not move), log no ERROR; the server is ready at the end.
 * The seed is printed; {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.cases=N} sizes it.
 * Every failing case is reported, grouped by its kind of malformation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestFuzzIT {
  private static final long SEED = Long.getLong("fuzz.seed", 20_261_207L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 480);

  private TestServer server;
  private Http admin;
  private ApiContract contract;

  @BeforeAll
  void start() {
    // Short client deadlines: a request the server waits on (a body it believes still coming) ends soon.
    server = TestServer.external("fuzz", new JsonObject().put("server", new JsonObject()
        .put("headersTimeout", "3s").put("bodyTimeout", "3s")));
    admin = server.admin();
    contract = TestServer.await(ApiContract.load(server.vertx()));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void everyMalformedRequestIsRefusedWithA4xxInTheErrorShapeAndStoresNothing() {
    System.out.println("MalformedRequestFuzzIT: seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
    String otherNamespace = server.client("readonly", "fz-other").token();
    List<MalformedRequests.Endpoint> endpoints = MalformedRequests.endpoints();
    List<MalformedRequests.Case> cases =
        new MalformedRequests(SEED, endpoints, server.adminToken(), otherNamespace).cases(CASES);
    Map<String, List<String>> failures = new TreeMap<>();
    Set<String> methodsSeen = new TreeSet<>();
    long head = headSeq();
    try (ErrorLines errors = ErrorLines.collect()) {
      for (MalformedRequests.Case c : cases) {
        int errorsBefore = errors.lines().size();
        // Malformed HTTP on purpose: past the contract proxy, whose own HTTP would answer it.
        RawHttp.Response response = RawHttp.exchange(server.directPort(), c.bytes());
        String problem = problem(c, response);
        String broken = contractProblem(c, response);
        if (broken != null) {
          problem = (problem == null ? "" : problem + "; ") + "breaks openapi.yaml: " + broken;
        }
        List<String> logged = errors.lines().subList(errorsBefore, errors.lines().size());
        if (!logged.isEmpty()) {
          problem = (problem == null ? "" : problem + "; ") + "ERROR logged: " + MalformedRequests.shorten(logged.get(0));
        }
        long after = headSeq();
        if (after != head) {
          problem = (problem == null ? "" : problem + "; ") + "stored: the change-log head moved " + head + " -> " + after;
          head = settledHead();
        }
        if (problem != null) {
          failures.computeIfAbsent(c.kind(), k -> new java.util.ArrayList<>())
              .add("#" + c.index() + " " + c.what() + "\n      -> " + problem);
        }
        methodsSeen.add(c.method());
      }
    }
    String report = failures.entrySet().stream()
        .map(e -> e.getKey() + " (" + e.getValue().size() + "):\n    " + String.join("\n    ", e.getValue()))
        .collect(Collectors.joining("\n"));
    System.out.println("MalformedRequestFuzzIT: cases by kind " + cases.stream()
        .collect(Collectors.groupingBy(MalformedRequests.Case::kind, TreeMap::new, Collectors.counting())));
    System.out.println("MalformedRequestFuzzIT: " + cases.size() + " cases, "
        + failures.values().stream().mapToInt(List::size).sum() + " failing" + (report.isEmpty() ? "" : "\n" + report));

    assertThat(cases).hasSizeGreaterThanOrEqualTo(300);
    assertThat(methodsSeen).contains("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD");
    assertThat(endpoints).extracting(MalformedRequests.Endpoint::template)
        .contains("/api/v1/namespaces/{namespace}/volumes", "/api/v1/watch", "/readyz");
    assertThat(admin.get("/readyz").status()).as("ready after the run").isEqualTo(200);
    assertThat(failures).as("seed %s: malformed requests not refused as they must be:\n%s", SEED, report).isEmpty();
  }

  /** What is wrong with the answer to a malformed request, or null when it is a proper refusal. */
  private static String problem(MalformedRequests.Case c, RawHttp.Response response) {
    if (c.expected() != 0 && response.status() != c.expected()) {
      return "status " + response.status() + " where the rule says " + c.expected() + " "
          + MalformedRequests.shorten(response.body());
    }
    if (response.status() < 400 || response.status() > 499) {
      return response.status() == -1 ? "no answer (" + MalformedRequests.shorten(response.raw()) + ")"
          : "status " + response.status() + " " + MalformedRequests.shorten(response.body());
    }
    if (!c.method().equals("HEAD") && !response.isErrorShape()) {
      return "status " + response.status() + " but not the error body: " + response.header("content-type") + " "
          + MalformedRequests.shorten(response.body());
    }
    return null;
  }

  /**
   * What is wrong with the answer under openapi.yaml (a request invalid by design still gets
   * an answer its operation declares), or null.
   */
  private String contractProblem(MalformedRequests.Case c, RawHttp.Response response) {
    if (response.status() == -1 || c.method().equals("HEAD")) {
      return null; // no answer, or one without a body: problem() speaks of those
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(response.headers());
    String path = c.target().split("\\?", 2)[0];
    try {
      return TestServer.await(contract.checkAnswer(HttpMethod.valueOf(c.method()), path,
          new ApiContract.Answer(response.status(), headers, Buffer.buffer(response.body()))));
    } catch (RuntimeException unreadablePath) {
      return null; // a path the contract's matcher cannot read (bad percent-encoding): no operation to check against
    }
  }

  /** The change-log head, read as the admin. */
  private long headSeq() {
    Http.Response list = admin.get("/api/v1/storageclasses?limit=1");
    assertThat(list.status()).isEqualTo(200);
    return Long.parseLong(list.json().getString("resourceVersion"));
  }

  /** After a request stored something, its controllers may write more: wait until the head rests. */
  private long settledHead() {
    long[] last = {headSeq()};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(700)).until(() -> {
      long now = headSeq();
      boolean still = now == last[0];
      last[0] = now;
      return still;
    });
    return last[0];
  }
}
