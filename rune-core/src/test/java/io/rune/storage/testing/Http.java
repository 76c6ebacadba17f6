package io.rune.storage.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A plain HTTP client for black-box tests: what any user's client would send. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String token;

  public Http(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public Http withToken(String other) {
    return new Http(base, other);
  }

  public String base() {
    return base;
  }

  /** The bearer token this client sends (null when anonymous), e.g. for the event bus's token header. */
  public String token() {
    return token;
  }

  public Response get(String path) {
    return send("GET", path, null, null);
  }

  public Response post(String path, JsonObject body) {
    return send("POST", path, body == null ? "" : body.encode(), "application/json");
  }

  public Response put(String path, JsonObject body) {
    return send("PUT", path, body.encode(), "application/json");
  }

  public Response delete(String path) {
    return send("DELETE", path, null, null);
  }

  /** Sends a request; {@code headers} are further names and values, in pairs. */
  public Response send(String method, String path, String body, String contentType, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers().map());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A response: status, body and headers (names in lower case), with the parts tests look at. */
  public record Response(int status, String body, Map<String, List<String>> headers) {

    public Response(int status, String body) {
      this(status, body, Map.of());
    }

    /** The first value of the header, or null. */
    public String header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream().findFirst().orElse(null);
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }

    public String errorField() {
      return json().getJsonObject("error").getString("field");
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
