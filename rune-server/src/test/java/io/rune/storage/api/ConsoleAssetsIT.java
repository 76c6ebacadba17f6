package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.RawHttp;
import io.rune.storage.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The web console's files at /ui/: served without a token, with the security headers on every
 * answer under /ui (404 and 304 included), no cookie, and nothing outside rune/ui reachable
 * by any spelling of "..".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleAssetsIT {
  private static final Map<String, String> CONSOLE_HEADERS = Map.of(
      "content-security-policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "x-content-type-options", "nosniff",
      "referrer-policy", "no-referrer",
      "x-frame-options", "DENY",
      "cache-control", "no-cache");

  private TestServer server;
  private Http anonymous;
  /** Every answer the tests got, to check none sets a cookie. */
  private final List<Http.Response> answers = new ArrayList<>();

  @BeforeAll
  void start() {
    server = TestServer.external("console-assets");
    anonymous = server.anonymous();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Http.Response send(String method, String path, String... headers) {
    Http.Response response = anonymous.send(method, path, null, null, headers);
    answers.add(response);
    return response;
  }

  private static void assertConsoleHeaders(Http.Response response) {
    CONSOLE_HEADERS.forEach((name, value) -> assertThat(response.headers().get(name))
        .as("%s of %s", name, response).containsExactly(value));
    assertThat(response.headers()).as("cookies of %s", response).doesNotContainKey("set-cookie");
  }

  @Test
  void theRootAndUiSendTheBrowserToTheConsole() {
    for (String path : List.of("/", "/ui")) {
      Http.Response response = send("GET", path);
      assertThat(response.status()).as("GET %s", path).isEqualTo(302);
      assertThat(response.header("location")).isEqualTo("/ui/");
      assertConsoleHeaders(response);
    }
  }

  @Test
  void theConsolePageIsServedWithoutATokenWithEveryHeader() {
    Http.Response page = send("GET", "/ui/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).isEqualToIgnoringCase("text/html;charset=UTF-8");
    assertThat(page.body()).contains("<title>").contains("<noscript>");
    assertThat(page.header("last-modified")).isNotBlank();
    assertConsoleHeaders(page);

    Http.Response byName = send("GET", "/ui/index.html");
    assertThat(byName.status()).isEqualTo(200);
    assertThat(byName.body()).isEqualTo(page.body());
    assertConsoleHeaders(byName);
  }

  @Test
  void headAnswersTheHeadersWithoutTheBody() {
    Http.Response head = send("HEAD", "/ui/");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("content-type")).startsWith("text/html");
    assertConsoleHeaders(head);
    // The length, from the server itself (the contract proxy in front of it answers HEAD without one).
    RawHttp.Response direct = RawHttp.exchange(server.directPort(),
        "HEAD /ui/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertThat(direct.status()).isEqualTo(200);
    assertThat(direct.body()).isEmpty();
    assertThat(Long.parseLong(direct.header("content-length"))).isEqualTo(send("GET", "/ui/").body().length());
  }

  @Test
  void anUnchangedFileIsNotModifiedAndAChangedOneIsSentAgain() {
    String lastModified = send("GET", "/ui/").header("last-modified");
    Http.Response again = send("GET", "/ui/", "If-Modified-Since", lastModified);
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertConsoleHeaders(again);

    Http.Response stale = send("GET", "/ui/", "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT");
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body()).contains("<noscript>");
  }

  @Test
  void aFileTheConsoleDoesNotHaveIs404WithTheHeaders() {
    for (String path : List.of("/ui/nothing.js", "/ui/.hidden", "/ui/deep/er.css")) {
      Http.Response missing = send("GET", path);
      assertThat(missing.status()).as("GET %s", path).isEqualTo(404);
      assertThat(missing.errorCode()).isEqualTo("NotFound");
      assertConsoleHeaders(missing);
    }
  }

  @Test
  void theFilesAreOnlyRead() {
    for (String method : List.of("POST", "PUT", "DELETE")) {
      Http.Response refused = send(method, "/ui/index.html");
      assertThat(refused.status()).as("%s /ui/index.html", method).isEqualTo(405);
      assertThat(refused.errorCode()).isEqualTo("MethodNotAllowed");
      assertThat(refused.header("allow")).isEqualTo("GET, HEAD");
      assertConsoleHeaders(refused);
    }
  }

  @Test
  void noSpellingOfDotDotLeavesTheConsolesDirectory() {
    // rune/ui's neighbours on the classpath: the contract and the migrations. (A ".." that HTTP
    // itself removes, such as /ui/../openapi.yaml, is the path /openapi.yaml, not an escape.)
    List<String> escapes = List.of(
        "/ui/../db/migration/V001__objects_and_change_log.sql",
        "/ui/%2e%2e/db/migration/V001__objects_and_change_log.sql",
        "/ui/%2E%2E/db/migration/V002__secret_values.sql",
        "/ui/..%2fopenapi.yaml",
        "/ui/%2e%2e%2fopenapi.yaml",
        "/ui/..%2f..%2frune%2fopenapi.yaml",
        "/ui/..%5copenapi.yaml",
        "/ui/%2e%2e%2fdb%2fmigration%2fV001__objects_and_change_log.sql",
        "/ui//../db/migration/V002__secret_values.sql",
        "/ui/....//openapi.yaml");
    for (String target : escapes) {
      RawHttp.Response response = RawHttp.exchange(server.directPort(),
          "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertThat(response.status()).as("GET %s: %s", target, response).isIn(400, 404);
      assertThat(response.body()).as("GET %s", target).doesNotContain("CREATE TABLE").doesNotContain("openapi:");
      assertThat(response.isErrorShape()).as("GET %s: %s", target, response).isTrue();
    }
  }

  @Test
  void noAnswerSetsACookie() {
    theRootAndUiSendTheBrowserToTheConsole();
    theConsolePageIsServedWithoutATokenWithEveryHeader();
    send("GET", "/ui/nothing.js");
    assertThat(answers).isNotEmpty().allSatisfy(response ->
        assertThat(response.headers()).as("%s", response).doesNotContainKey("set-cookie"));
  }
}
