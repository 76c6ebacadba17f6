package io.rune.storage.api;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Supplier;

/**
 * PATCH with a JSON merge patch (RFC 7386): the patch is merged onto the object as GET shows
 * it (see {@link KindRules#patchTarget}) and the result is replaced exactly as by PUT, so
 * every rule (and error) of a patch is the one of that PUT. A resourceVersion in the patch
 * must be current; without one the patch applies to whatever version is current, read again
 * if a controller's status write gets in between.
 */
final class ResourcePatch {
  private final Resources resources;
  private final StoreReader reads;
  private final Map<Kind, KindRules<?>> rules;

  ResourcePatch(Resources resources, StoreReader reads, Map<Kind, KindRules<?>> rules) {
    this.resources = resources;
    this.reads = reads;
    this.rules = rules;
  }

  Future<ApiObject> patch(Principal principal, Kind kind, String namespace, String name, JsonObject patch) {
    return Resources.attempt(() -> {
      principal.checkWrite(kind, namespace);
      boolean versioned = patch.getValue("resourceVersion") != null;
      Supplier<Future<ApiObject>> readPatchWrite = () -> resources.get(principal, kind, namespace, name)
          .compose(current -> rules.get(kind).patchTarget(reads, current, patch).compose(target -> {
            JsonObject body = (JsonObject) MergePatch.apply(target, patch); // an object patch yields an object
            if (!versioned) {
              body.put("resourceVersion", Long.toString(current.resourceVersion()));
            }
            return resources.replace(principal, kind, namespace, name, body);
          }));
      return versioned ? readPatchWrite.get() : Resources.untilNotMoved(readPatchWrite);
    });
  }
}
