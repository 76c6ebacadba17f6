package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.ProvisionRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Finds the DigitalOcean volume a provision request made: the one place that says whether a
 * listed volume is this request's. It is only when its name (from the uid), its region (the
 * class's) and the tags the driver puts on what it makes all match; the API's name and
 * region filters are not trusted alone, so a volume of the same name in another region, or
 * one Rune did not make, is never adopted by provision nor deleted by reclaim.
 */
final class DoLookup {
  private static final int PAGE = 200;

  /**
   * What a lookup saw.
   *
   * @param ours the request's volume, or null
   * @param foreign a volume of the same name and region that lacks Rune's tags for this
   *     volume (someone else's: never ours to adopt or delete), or null
   */
  record Found(JsonObject ours, JsonObject foreign) {
    static final Found NOTHING = new Found(null, null);
  }

  private final DoApi api;

  DoLookup(DoApi api) {
    this.api = api;
  }

  /** Looks the request's volume up by name in the class's region. */
  Future<Found> find(DoClass cls, ProvisionRequest request) {
    String requested = request.topology().get(DoVolumeDriverProvider.REGION_LABEL);
    if (requested != null && !requested.equals(cls.region())) {
      return DoFaults.failed(DriverError.PERMANENT, DoFaults.REGION_MISMATCH, "volume " + request.namespace()
          + "/" + request.name() + " asks for " + DoVolumeDriverProvider.REGION_LABEL + "=" + requested
          + " but its class makes volumes in " + cls.region());
    }
    String name = DoNames.volume(request.uid());
    List<String> tags = DoNames.tags(request.namespace(), request.name());
    return api.get(cls.token(), "/v2/volumes?name=" + name + "&region=" + cls.region() + "&per_page=" + PAGE)
        .compose(answer -> {
          if (!answer.ok()) {
            return DoFaults.refused("lookup of volume " + name + " in " + cls.region(), answer);
          }
          Found found = Found.NOTHING;
          for (Object listed : answer.body().getJsonArray("volumes", new JsonArray())) {
            JsonObject volume = (JsonObject) listed;
            if (!name.equals(volume.getString("name")) || !cls.region().equals(region(volume))) {
              continue; // whatever the filter let through: not this request's
            }
            if (!volume.getJsonArray("tags", new JsonArray()).getList().containsAll(tags)) {
              found = new Found(found.ours(), volume);
              continue;
            }
            return Future.succeededFuture(new Found(volume, found.foreign()));
          }
          return Future.succeededFuture(found);
        });
  }

  /** The volume's region slug: DigitalOcean answers a region object; a bare slug is taken too. */
  static String region(JsonObject volume) {
    Object region = volume.getValue("region");
    if (region instanceof JsonObject object) {
      return object.getString("slug");
    }
    return region instanceof String slug ? slug : null;
  }

  /** Why a foreign volume of this name blocks the request: it is never adopted. */
  static String foreignMessage(JsonObject volume, List<String> tags) {
    return "DigitalOcean already has a volume named " + volume.getString("name") + " in " + region(volume)
        + " (id " + volume.getString("id") + ") without Rune's tags " + tags + "; Rune did not make it and"
        + " will not adopt it: rename or delete it at DigitalOcean, then retry";
  }
}
