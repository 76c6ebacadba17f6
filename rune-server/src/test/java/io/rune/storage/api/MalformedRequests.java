package io.rune.storage.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded generator of requests that are wrong, over every path and method of openapi.yaml
 * (read from it, so a new endpoint is fuzzed without a change here). Every request it makes
 * must be refused: names in paths never exist, bodies are always broken somewhere, tokens are
 * missing, unknown or scoped elsewhere, so no correct request slips in.
 */
final class MalformedRequests {
  static final List<String> CONTENT_TYPES = List.of("application/json", "application/yaml", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "", "garbage/;;;\u0001");
  static final List<String> UNSUPPORTED_METHODS = List.of("PATCH", "OPTIONS", "TRACE", "FOO", "HEAD");

  /**
   * One generated request: its kind of wrongness (to group failures), what it is, its bytes,
   * and the one status it must get when its kind has one (0: any 4xx).
   */
  record Case(int index, String kind, String what, String method, String target, byte[] bytes, int expected) {}

  /**
   * The statuses of the 400 rule and of 405: a query or a name in the path the server cannot
   * read is 400 whatever else the request holds, a method a path does not take is 405.
   */
  private static final java.util.Map<String, Integer> EXPECTED = java.util.Map.of("query", 400, "query-percent", 400,
      "path-name", 400, "method", 405);

  /** One path of the contract and its methods. */
  record Endpoint(String template, List<String> methods) {
    boolean namespaced() {
      return template.contains("{namespace}");
    }

    boolean authenticated() {
      return template.startsWith("/api/");
    }
  }

  private final Random random;
  private final List<Endpoint> endpoints;
  private final String admin;
  private final String otherNamespace;
  private int made;
  private int contentTypeTurn;

  MalformedRequests(long seed, List<Endpoint> endpoints, String admin, String otherNamespace) {
    this.random = new Random(seed);
    this.endpoints = endpoints;
    this.admin = admin;
    this.otherNamespace = otherNamespace;
  }

  /** The paths and methods of the served openapi.yaml. */
  static List<Endpoint> endpoints() {
    try (InputStream in = MalformedRequests.class.getClassLoader().getResourceAsStream("rune/openapi.yaml")) {
      JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(in).get("paths");
      List<Endpoint> endpoints = new ArrayList<>();
      paths.fields().forEachRemaining(path -> {
        List<String> methods = new ArrayList<>();
        path.getValue().fieldNames().forEachRemaining(m -> {
          if (List.of("get", "put", "post", "delete", "patch", "head", "options").contains(m)) {
            methods.add(m.toUpperCase(java.util.Locale.ROOT));
          }
        });
        endpoints.add(new Endpoint(path.getKey(), methods));
      });
      return endpoints;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** At least {@code count} cases: every endpoint with each of its methods and one it lacks, round after round. */
  List<Case> cases(int count) {
    List<Case> cases = new ArrayList<>();
    while (cases.size() < count) {
      for (Endpoint endpoint : endpoints) {
        for (String method : endpoint.methods()) {
          cases.add(forMethod(endpoint, method));
        }
        cases.add(unsupportedMethod(endpoint));
      }
      cases.addAll(httpLevel());
    }
    return cases;
  }

  private Case forMethod(Endpoint endpoint, String method) {
    List<Function<String, Case>> kinds = new ArrayList<>();
    String path = fill(endpoint.template());
    kinds.add(m -> at("path-percent", m, breakSegment(endpoint.template(), pick("%zz", "%", "%e2%28", "%G1", "%%")),
        ""));
    kinds.add(m -> at("path-control", m, breakSegment(endpoint.template(), pick("%00", "a%0ab", "%7f", "x%01y", "%0d%0a")),
        ""));
    kinds.add(m -> at("query-percent", m, path + "?" + pick("labelSelector", "limit", "x", "continue") + "="
        + pick("%zz", "a%", "%e2%8"), ""));
    if (endpoint.authenticated()) {
      kinds.add(m -> request("auth-missing", m, path, null, "application/json", someBody(endpoint)));
      kinds.add(m -> request("auth-garbage", m, path, pick("garbage", "", "rst_" + "x".repeat(40), "\u00ff\u00fe"),
          "application/json", someBody(endpoint)));
    }
    if (endpoint.namespaced()) {
      kinds.add(m -> request("auth-other-namespace", m, path, otherNamespace, "application/json", someBody(endpoint)));
    }
    if (endpoint.template().contains("{") && endpoint.authenticated()) { // a console file's name has no rules of names
      kinds.add(m -> at("path-name", m, breakSegment(endpoint.template(), pick("UPPER", "x".repeat(300), "-a-",
          "a_b", "%20", "a.b")), ""));
    }
    if (method.equals("GET") && !endpoint.template().endsWith("}") && endpoint.authenticated()
        && !endpoint.template().equals("/api/v1/tokens")) {
      kinds.add(m -> at("query", m, path + "?" + badListQuery(endpoint), ""));
    }
    if (method.equals("DELETE")) {
      kinds.add(m -> at("query", m, path + "?cascade=" + pick("yes", "1", "TRUE", ""), ""));
    }
    if (endpoint.template().endsWith("/detach")) {
      kinds.add(m -> at("query", m, path + "?force=" + pick("yes", "maybe", "2"), ""));
    }
    if (method.equals("POST") || method.equals("PUT")) {
      for (int i = 0; i < 16; i++) { // bodies are where most can go wrong: most cases of a write break one
        kinds.add(m -> body(endpoint, m, path));
      }
    }
    return kinds.get(random.nextInt(kinds.size())).apply(method);
  }

  private String badListQuery(Endpoint endpoint) {
    if (endpoint.template().endsWith("/watch")) {
      return pick("sinceSeq=abc", "sinceSeq=-5", "sinceSeq=99999999999999999999999", "kinds=bogus",
          "namespace=NOT_A_NAME", "kinds=", "sinceSeq=%00");
    }
    return pick("labelSelector=%3D%3Dx", "labelSelector=(((", "labelSelector=a%20in%20(b", "labelSelector=-bad-",
        "labelSelector=k%3D" + "v".repeat(70), "limit=abc", "limit=-5", "limit=1e3", "limit=99999999999999",
        "continue=garbage!!", "continue=" + "A".repeat(64), "continue=%00", "labelSelector=a%00b");
  }

  private Case body(Endpoint endpoint, String method, String path) {
    // Every content type in turn, and between them the two the server reads, where most holes would be.
    int turn = contentTypeTurn++;
    String contentType = turn % 2 == 0 ? CONTENT_TYPES.get(turn / 2 % CONTENT_TYPES.size()) : CONTENT_TYPES.get(turn / 2 % 2);
    String base = baseBody(endpoint);
    String name = "\"fz-" + (made + 1) + "\"";
    String[][] broken = {
        {"body-truncated", base.substring(0, base.length() / 2)},
        {"body-empty", ""},
        {"body-not-an-object", pick("[1,2]", "\"text\"", "null", "42", "true")},
        {"body-unknown-field", prepend(base, "\"bogusField\":1,")},
        {"body-wrong-type", base.replaceFirst(":\"[^\"]*\"", ":" + pick("5", "[\"a\"]", "{}", "true", "null"))},
        {"body-nul", base.replaceFirst(":\"([^\"]*)\"", ":\"$1\\\\u0000x\"")},
        {"body-nul", prepend(base, pick("\"labels\":{\"k\":\"a\\u0000b\"},", "\"description\":\"a\\u0000b\",",
            "\"parameters\":{\"k\\u0000\":\"v\"},"))},
        {"body-control", base.replaceFirst(":\"([^\"]*)\"", ":\"$1\\\\n\\\\u0007\"")},
        {"body-huge-number", prepend(base, "\"scale\":1e999999,\"size\":123456789012345678901234567890,")},
        {"body-deep-nesting", prepend(base, "\"labels\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)
            + ",")},
        {"body-long-string", base.replaceFirst(":\"[^\"]*\"", ":\"" + "n".repeat(200_000) + "\"")},
        {"body-duplicate-key", prepend(base, "\"name\":" + name + ",")},
        {"body-yaml-alias", "name: &n " + name + "\nsize: *n\nscale: *n\nrole: *n\ndriver: *n\n"},
        {"body-yaml-documents", base + "\n---\n" + (endpoint.template().endsWith("/apply")
            ? "{\"volume\":{\"name\":\"NOT A NAME\"}}" : base) + "\n"},
        {"body-invalid-utf8", base.replaceFirst(":\"", ":\"\u00c3\u0028")},
    };
    String[] chosen = broken[random.nextInt(broken.length)];
    byte[] body = chosen[0].equals("body-invalid-utf8")
        ? chosen[1].getBytes(StandardCharsets.ISO_8859_1) : chosen[1].getBytes(StandardCharsets.UTF_8);
    return request(chosen[0], method, path, admin, contentType, body);
  }

  /** A body for this endpoint that is right apart from the broken part each kind puts in. */
  private String baseBody(Endpoint endpoint) {
    String t = endpoint.template();
    String name = "fz-" + (made + 1);
    if (t.endsWith("/tokens")) {
      return "{\"role\":\"readonly\",\"namespaces\":[\"fz\"]}";
    } else if (t.endsWith("/apply")) {
      return "{\"volume\":{\"name\":\"" + name + "\",\"namespace\":\"fz\",\"size\":\"1Gi\"}}";
    } else if (t.contains("storageclasses")) {
      return "{\"name\":\"" + name + "\",\"driver\":\"local\"}";
    } else if (t.contains("/snapshots")) {
      return "{\"name\":\"" + name + "\",\"source\":{\"volume\":\"fz-none\"}}";
    } else if (t.contains("/services")) {
      return "{\"name\":\"" + name + "\",\"scale\":1,\"volumes\":[]}";
    } else if (t.contains("/secrets")) {
      return "{\"name\":\"" + name + "\",\"data\":{\"k\":\"v\"}}";
    }
    return "{\"name\":\"" + name + "\",\"size\":\"1Gi\"}";
  }

  private byte[] someBody(Endpoint endpoint) {
    return baseBody(endpoint).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code json} with {@code fields} put first in its outermost object. */
  private static String prepend(String json, String fields) {
    return "{" + fields + json.substring(1);
  }

  private Case unsupportedMethod(Endpoint endpoint) {
    List<String> methods = new ArrayList<>(UNSUPPORTED_METHODS);
    methods.removeAll(endpoint.methods());
    if (endpoint.methods().contains("GET")) {
      methods.remove("HEAD"); // HEAD of a readable resource is correct HTTP, not a mistake
    }
    return at("method", methods.get(random.nextInt(methods.size())), fill(endpoint.template()), "");
  }

  /** Requests that break HTTP itself, whatever the path. */
  private List<Case> httpLevel() {
    String path = fill(endpoints.get(random.nextInt(endpoints.size())).template());
    return List.of(
        raw("http-line-too-long", "GET " + path + "?x=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
        raw("http-headers-too-large", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000)
            + "\r\n\r\n"),
        raw("http-bad-chunk", "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + pick("zz", "-1", "9999999999999999")
            + "\r\n{}\r\n0\r\n\r\n"),
        raw("http-header-without-colon", "GET " + path + " HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"),
        raw("http-garbage-line", pick("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", "GET\r\n\r\n",
            "GET " + path + " HTTP/1.1 extra\r\n\r\n")));
  }

  private Case at(String kind, String method, String target, String body) {
    return request(kind, method, target, admin, body.isEmpty() ? "" : "application/json",
        body.getBytes(StandardCharsets.UTF_8));
  }

  private Case request(String kind, String method, String target, String token, String contentType, byte[] body) {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (!contentType.isEmpty()) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body.length > 0 || method.equals("POST") || method.equals("PUT")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(body);
    String what = method + " " + shorten(target) + (contentType.isEmpty() ? "" : " [" + shorten(contentType) + "]")
        + (body.length == 0 ? "" : " " + shorten(new String(body, StandardCharsets.UTF_8)));
    return new Case(made++, kind, what, method, target, bytes.toByteArray(), EXPECTED.getOrDefault(kind, 0));
  }

  private Case raw(String kind, String text) {
    return new Case(made++, kind, shorten(text), "", "", text.getBytes(StandardCharsets.ISO_8859_1), 0);
  }

  private static String fill(String template) {
    return template.replace("{namespace}", "fz").replace("{name}", "fz-none").replace("{ordinal}", "0")
        .replace("{id}", "tok-none").replace("{file}", "fz-none.js");
  }

  /** The template with one of its parameters (or, without one, its last segment) replaced by {@code bad}. */
  private String breakSegment(String template, String bad) {
    List<String> params = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{[a-z]+}").matcher(template);
    while (m.find()) {
      params.add(m.group());
    }
    if (params.isEmpty()) {
      return template + bad;
    }
    return fill(template.replace(params.get(random.nextInt(params.size())), bad));
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  static String shorten(String text) {
    String flat = text.replaceAll("[\\x00-\\x1f]", "·");
    return flat.length() <= 100 ? flat : flat.substring(0, 100) + "…(" + flat.length() + ")";
  }
}
