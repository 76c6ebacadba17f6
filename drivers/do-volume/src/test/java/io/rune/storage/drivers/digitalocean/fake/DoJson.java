package io.rune.storage.drivers.digitalocean.fake;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The JSON DigitalOcean answers for volumes, snapshots, actions, regions and pages of them. */
final class DoJson {
  static final int DEFAULT_PER_PAGE = 20;

  private static final Map<String, String> REGION_NAMES = Map.ofEntries(
      Map.entry("ams1", "Amsterdam 1"), Map.entry("ams2", "Amsterdam 2"), Map.entry("ams3", "Amsterdam 3"),
      Map.entry("blr1", "Bangalore 1"), Map.entry("fra1", "Frankfurt 1"), Map.entry("lon1", "London 1"),
      Map.entry("nyc1", "New York 1"), Map.entry("nyc2", "New York 2"), Map.entry("nyc3", "New York 3"),
      Map.entry("sfo1", "San Francisco 1"), Map.entry("sfo2", "San Francisco 2"),
      Map.entry("sfo3", "San Francisco 3"), Map.entry("sgp1", "Singapore 1"), Map.entry("tor1", "Toronto 1"),
      Map.entry("syd1", "Sydney 1"));
  private static final List<String> SIZES = List.of("s-1vcpu-1gb", "s-1vcpu-2gb", "s-2vcpu-2gb", "s-2vcpu-4gb",
      "s-4vcpu-8gb", "s-8vcpu-16gb");
  private static final List<String> FEATURES = List.of("backups", "ipv6", "metadata", "install_agent", "storage",
      "image_transfer");

  private DoJson() {}

  static JsonObject region(String slug) {
    return new JsonObject()
        .put("name", REGION_NAMES.getOrDefault(slug, slug))
        .put("slug", slug)
        .put("sizes", new JsonArray(SIZES))
        .put("features", new JsonArray(FEATURES))
        .put("available", true);
  }

  static JsonObject volume(DoVolume volume) {
    return new JsonObject()
        .put("id", volume.id())
        .put("region", region(volume.region()))
        .put("droplet_ids", new JsonArray(volume.dropletIds()))
        .put("name", volume.name())
        .put("description", volume.description())
        .put("size_gigabytes", volume.sizeGigabytes())
        .put("created_at", volume.createdAt().toString())
        .put("filesystem_type", volume.filesystemType())
        .put("filesystem_label", volume.filesystemLabel())
        .put("tags", new JsonArray(volume.tags()));
  }

  /** No status field: DigitalOcean's volume snapshots have none. size_gigabytes is the data held: none. */
  static JsonObject snapshot(DoSnapshot snapshot) {
    return new JsonObject()
        .put("id", snapshot.id())
        .put("name", snapshot.name())
        .put("regions", new JsonArray().add(snapshot.region()))
        .put("created_at", snapshot.createdAt().toString())
        .put("resource_id", snapshot.volumeId())
        .put("resource_type", "volume")
        .put("min_disk_size", snapshot.minDiskSize())
        .put("size_gigabytes", 0.0)
        .put("tags", snapshot.tags() == null ? null : new JsonArray(snapshot.tags()));
  }

  /** resource_id is null: the spec types it as an integer, and a volume's id is a UUID. */
  static JsonObject action(DoAction action) {
    return new JsonObject()
        .put("id", action.id())
        .put("status", action.status())
        .put("type", action.type())
        .put("started_at", action.startedAt().toString())
        .put("completed_at", action.completedAt() == null ? null : action.completedAt().toString())
        .putNull("resource_id")
        .put("resource_type", "volume")
        .put("region", region(action.regionSlug()))
        .put("region_slug", action.regionSlug());
  }

  /**
   * One page of a list: {field: [...], links: {pages: {first, prev, next, last}}, meta: {total}}.
   * The links point back at the fake ({@code base} and {@code path}) with the request's other
   * query parameters; a list that fits one page has {@code links: {}}.
   */
  static <T> JsonObject page(String field, List<T> all, Function<T, JsonObject> render, String base, String path,
      MultiMap query) {
    int perPage = intParameter(query, "per_page", DEFAULT_PER_PAGE);
    int page = intParameter(query, "page", 1);
    int lastPage = Math.max(1, (all.size() + perPage - 1) / perPage);
    int from = (int) Math.min((long) (page - 1) * perPage, all.size());
    int to = Math.min(from + perPage, all.size());
    JsonObject pages = new JsonObject();
    if (page > 1) {
      pages.put("first", link(base, path, query, 1)).put("prev", link(base, path, query, Math.min(page - 1, lastPage)));
    }
    if (page < lastPage) {
      pages.put("next", link(base, path, query, page + 1)).put("last", link(base, path, query, lastPage));
    }
    return new JsonObject()
        .put(field, new JsonArray(all.subList(from, to).stream().map(render).toList()))
        .put("links", pages.isEmpty() ? new JsonObject() : new JsonObject().put("pages", pages))
        .put("meta", new JsonObject().put("total", all.size()));
  }

  static int intParameter(MultiMap query, String name, int otherwise) {
    String value = query.get(name);
    return value == null ? otherwise : Integer.parseInt(value);
  }

  private static String link(String base, String path, MultiMap query, int page) {
    StringBuilder url = new StringBuilder(base).append(path).append("?page=").append(page);
    query.forEach((name, value) -> {
      if (!name.equals("page")) {
        url.append('&').append(encode(name)).append('=').append(encode(value));
      }
    });
    return url.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
