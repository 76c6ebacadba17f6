package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The REST API of one server, as the CLI uses it: JSON in, JSON trees out, and every
 * failure turned into a {@link CliException} that names the server or repeats its message.
 */
final class RuneClient {
  static final String API = "/api/v1";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final ConnectionSettings settings;
  private final DryRun dryRun;
  private final HttpClient http;

  /** @param dryRun how writes are made: for real, checked by the server only, or not sent at all */
  RuneClient(ConnectionSettings settings, DryRun dryRun) {
    this.settings = settings;
    this.dryRun = dryRun;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
  }

  URI server() {
    return settings.server();
  }

  /** The bearer token, or null when none was found. */
  String token() {
    return settings.token();
  }

  JsonNode get(String path, Map<String, String> query) {
    return send("GET", path, query, null, null);
  }

  JsonNode delete(String path) {
    return delete(path, Map.of());
  }

  JsonNode delete(String path, Map<String, String> query) {
    return send("DELETE", path, query, null, null);
  }

  /** The sequence number of the newest change this token can see in {@code collectionPath}'s list. */
  long head(String collectionPath) {
    return get(collectionPath, Map.of("limit", "1")).path("resourceVersion").asLong();
  }

  JsonNode post(String path, JsonNode body) {
    return send("POST", path, Map.of(), body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8),
        "application/json");
  }

  /** A JSON merge patch (RFC 7386) of the object at {@code path}. */
  JsonNode patch(String path, JsonNode mergePatch) {
    return send("PATCH", path, Map.of(), mergePatch.toString().getBytes(StandardCharsets.UTF_8),
        "application/merge-patch+json");
  }

  JsonNode post(String path, byte[] body, String contentType) {
    return send("POST", path, Map.of(), body, contentType);
  }

  /**
   * Every page of a list, following {@code continue} to the end: the list response of the
   * first page with the items of all pages and no {@code continue}.
   *
   * @param selectors query parameters that choose the objects (labelSelector, fieldSelector); null values are left out
   * @param chunkSize the page size to ask for, or null for the server's default
   */
  ObjectNode list(String path, Map<String, String> selectors, Integer chunkSize) {
    Map<String, String> query = new LinkedHashMap<>(selectors);
    if (chunkSize != null) {
      query.put("limit", chunkSize.toString());
    }
    ObjectNode first = null;
    ArrayNode items = CliJson.MAPPER.createArrayNode();
    String next;
    do {
      JsonNode page = get(path, query);
      if (first == null) {
        first = page.deepCopy();
      }
      page.path("items").forEach(items::add);
      next = page.path("continue").isTextual() ? page.path("continue").asText() : null;
      query.put("continue", next);
    } while (next != null && !next.isEmpty());
    first.set("items", items);
    first.putNull("continue");
    return first;
  }

  /** One path segment, escaped: names come from the command line and may hold anything. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, Map<String, String> query, byte[] body, String contentType) {
    boolean write = !method.equals("GET");
    if (write && dryRun == DryRun.client) {
      return ClientDryRun.wouldSend(method, path, body, contentType);
    }
    if (write && dryRun == DryRun.server) {
      query = new LinkedHashMap<>(query);
      query.put(DryRun.PARAMETER, DryRun.ALL);
    }
    URI uri = URI.create(settings.server() + API + path + queryString(query));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (settings.token() != null) {
      request.header("Authorization", "Bearer " + settings.token());
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new CliException("cannot reach the Rune server at " + settings.server() + ": " + reason(e));
    } catch (HttpTimeoutException e) {
      throw new CliException("the Rune server at " + settings.server() + " did not answer " + method + " " + API
          + path + " within " + REQUEST_TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw new CliException("the connection to the Rune server at " + settings.server() + " failed: " + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for the Rune server at " + settings.server());
    }
    JsonNode json = parse(response.body());
    if (response.statusCode() / 100 == 2) {
      if (write && dryRun == DryRun.server
          && !DryRun.ALL.equals(response.headers().firstValue(DryRun.HEADER).orElse(null))) {
        // A server that ignores dryRun has made the change: say so rather than print it as a dry run.
        throw new CliException("the server at " + settings.server() + " did not answer " + method + " " + API + path
            + " as a dry run (no " + DryRun.HEADER + " header): it does not know dry runs and made the change");
      }
      return json;
    }
    throw refusal(response.statusCode(), json, response.body());
  }

  private ServerError refusal(int status, JsonNode json, String rawBody) {
    JsonNode error = json.path("error");
    String message = error.path("message").asText(null);
    if (message == null) {
      String excerpt = rawBody == null ? "" : rawBody.strip();
      if (excerpt.length() > 200) {
        excerpt = excerpt.substring(0, 200) + "…";
      }
      message = "the server at " + settings.server() + " answered HTTP " + status
          + (excerpt.isEmpty() ? "" : ": " + excerpt);
    }
    String hint = null;
    if (status == 401) {
      hint = settings.token() == null
          ? "no token was found: pass --token, set " + ConnectionSettings.TOKEN_ENV
              + ", give the context a token file (rune config set-context NAME --token-file PATH),"
              + " or start runed --dev-mode on this machine"
          : "the token from " + settings.tokenSource() + " was not accepted";
    }
    return new ServerError(status, error.path("code").asText(null), message, error.path("field").asText(null), hint);
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return CliJson.MAPPER.readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  static String queryString(Map<String, String> query) {
    StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
    query.forEach((name, value) -> {
      if (value != null) {
        joined.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    });
    return joined.toString();
  }

  /** The most telling message in a chain: the JDK's connect failures often have none at the top. */
  private String reason(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
        return "unknown host " + settings.server().getHost();
      }
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        return cause.getMessage();
      }
    }
    return error.getClass().getSimpleName();
  }
}
