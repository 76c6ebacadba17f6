package io.rune.storage.testing;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: bad
 * percent-encoding, invalid UTF-8, control characters, broken chunked bodies, huge lines.
 * A request is sent as given; the answer is read until the server closes the connection
 * (so requests should say {@code Connection: close}, or be ones the server closes after).
 */
public final class RawHttp {
  private RawHttp() {}

  /** Sends {@code request} to 127.0.0.1:{@code port} and reads the answer; {@code status} -1 means none came. */
  public static Response exchange(int port, byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return parse(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("raw request to port " + port + " failed", e);
    }
  }

  public static Response exchange(int port, String request) {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Everything the server sends until it closes; a read timeout ends it too (what came is kept). */
  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        out.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // A reset or a silent server: the answer is what arrived.
    }
    return out.toByteArray();
  }

  /** Parses one HTTP/1.1 answer (Content-Length, chunked, or up to the close). */
  static Response parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.") || headEnd < 0) {
      return new Response(-1, Map.of(), "", text);
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    String rest = text.substring(headEnd + 4);
    String body;
    if (headers.containsKey("content-length")) {
      body = rest.substring(0, Math.min(rest.length(), Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(rest);
    } else {
      body = rest;
    }
    return new Response(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
        text);
  }

  private static String dechunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int eol = chunked.indexOf("\r\n", at);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(at, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      body.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    return body.toString();
  }

  /** One answer: {@code status} -1 when the server closed without a well-formed one. */
  public record Response(int status, Map<String, String> headers, String body, String raw) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether this is API.md's error body, as application/json, with a code and a message. */
    public boolean isErrorShape() {
      String type = header("content-type");
      if (type == null || !type.startsWith("application/json")) {
        return false;
      }
      try {
        JsonObject error = new JsonObject(body).getJsonObject("error");
        return error != null && error.getString("code") != null && !error.getString("code").isBlank()
            && error.getString("message") != null && !error.getString("message").isBlank();
      } catch (DecodeException | ClassCastException e) {
        return false;
      }
    }

    public String errorCode() {
      return new JsonObject(body).getJsonObject("error").getString("code");
    }

    @Override
    public String toString() {
      return status + " " + (raw.length() > 600 ? raw.substring(0, 600) + "…" : raw);
    }
  }
}
