package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.ErrorLines;
import io.rune.storage.testing.RawHttp;
import io.rune.storage.testing.RawWebSocket;
import io.rune.storage.testing.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the HTTP and WebSocket layers refuse before any route runs: every refusal is API.md's
 * error body (or a WebSocket close code), and none is logged as a server error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEdgeIT {
  private TestServer server;
  private ErrorLines errors;

  @BeforeAll
  void start() {
    server = TestServer.external("httpedge");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @BeforeEach
  void watchErrors() {
    errors = ErrorLines.collect();
  }

  @AfterEach
  void noErrorLines() {
    errors.close();
    assertThat(errors.lines()).as("ERROR lines logged for a client's mistake").isEmpty();
  }

  private String request(String method, String target, String... headers) {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.adminToken()
        + "\r\n" + String.join("", java.util.Arrays.stream(headers).map(h -> h + "\r\n").toList())
        + "Connection: close\r\n\r\n";
  }

  private void assertError(RawHttp.Response response, int status, String code) {
    assertThat(response.status()).as("status of %s", response).isEqualTo(status);
    assertThat(response.isErrorShape()).as("error body of %s", response).isTrue();
    assertThat(response.errorCode()).isEqualTo(code);
  }

  @Test
  void aTooLongRequestLineIs414InTheErrorShape() {
    RawHttp.Response response = RawHttp.exchange(server.directPort(),
        request("GET", "/api/v1/storageclasses?labelSelector=" + "a".repeat(10_000)));
    assertError(response, 414, "UriTooLong");
  }

  @Test
  void tooLargeHeadersAre431InTheErrorShape() {
    RawHttp.Response response = RawHttp.exchange(server.directPort(),
        request("GET", "/api/v1/storageclasses", "X-Big: " + "b".repeat(20_000)));
    assertError(response, 431, "HeadersTooLarge");
  }

  @Test
  void aRequestLineThatIsNotHttpIs400InTheErrorShape() {
    RawHttp.Response response = RawHttp.exchange(server.directPort(), "GET /\u0001 nonsense\r\nHost: x\r\n\r\n");
    assertError(response, 400, "MalformedRequest");
  }

  @Test
  void badPercentEncodingOnEveryKindOfPathIs400InTheErrorShape() {
    for (String path : new String[] {"/api/v1/namespaces/%zz/volumes", "/api/v1/namespaces/ns/volumes/%e2%28",
        "/api/v1/namespaces/%e2%28/volumes",
        "/api/v1/storageclasses/%", "/api/v1/namespaces/%G1/secrets/x", "/healthz%zz"}) {
      RawHttp.Response response = RawHttp.exchange(server.directPort(), request("GET", path));
      assertThat(response.status()).as("status of %s: %s", path, response).isIn(400, 404);
      assertThat(response.isErrorShape()).as("error body of %s: %s", path, response).isTrue();
    }
  }

  @Test
  void anInvalidChunkSizeIs400InTheErrorShape() {
    RawHttp.Response response = RawHttp.exchange(server.directPort(), ("POST /api/v1/namespaces/edge/volumes HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nAuthorization: Bearer " + server.adminToken() + "\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"));
    assertError(response, 400, "MalformedRequest");
  }

  @Test
  void aWebSocketFrameWithReservedBitsIsClosedAsAProtocolError() {
    for (int rsv : new int[] {4, 2, 1}) {
      try (RawWebSocket ws = RawWebSocket.open(server.port(), "/api/v1/watch?kinds=volumes", server.adminToken())) {
        ws.send(rsv, 0x1, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(ws.awaitClose(5_000)).as("close code after a frame with RSV %s", rsv).isEqualTo(1002);
      }
    }
  }

  @Test
  void aTextFrameThatIsNotUtf8IsClosedAsInvalidData() {
    try (RawWebSocket ws = RawWebSocket.open(server.port(), "/api/v1/watch?kinds=volumes", server.adminToken())) {
      ws.send(0, 0x1, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'});
      assertThat(ws.awaitClose(5_000)).isEqualTo(1007);
    }
  }
}
