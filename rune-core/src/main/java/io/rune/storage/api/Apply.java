package io.rune.storage.api;

import io.rune.storage.model.Kind;
import io.rune.storage.model.UserText;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * /apply: create-or-update of several documents, all in one transaction. Either every
 * document is applied or none is, and the error names the document at fault.
 */
public final class Apply {
  private final Resources resources;

  public Apply(Resources resources) {
    this.resources = resources;
  }

  public Future<JsonObject> apply(Principal principal, List<JsonObject> documents) {
    return Resources.attempt(() -> {
      if (documents.isEmpty()) {
        throw ApiException.malformed("there are no documents to apply", null);
      }
      List<Map.Entry<Kind, JsonObject>> typed = new ArrayList<>();
      for (int i = 0; i < documents.size(); i++) {
        typed.add(unwrap(i, documents.get(i)));
      }
      return resources.store().write(tx -> {
        JsonArray results = new JsonArray();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < typed.size(); i++) {
          int index = i;
          Map.Entry<Kind, JsonObject> doc = typed.get(i);
          chain = chain.compose(v -> resources.applyOne(tx, principal, doc.getKey(), doc.getValue())
              .recover(err -> Future.failedFuture(located(index, doc, err)))
              .map(outcome -> {
                JsonObject result = new JsonObject().put("kind", doc.getKey().kindName());
                if (doc.getKey().namespaced()) {
                  result.put("namespace", outcome.object().namespace());
                }
                results.add(result.put("name", outcome.object().name())
                    .put("action", outcome.action())
                    .put("object", outcome.object().toJson()));
                return null;
              }));
        }
        return chain.map(v -> new JsonObject().put("results", results));
      });
    });
  }

  private static Map.Entry<Kind, JsonObject> unwrap(int index, JsonObject document) {
    if (document.size() != 1) {
      throw ApiException.malformed("document " + index + " must have exactly one top-level key naming its kind"
          + " (storageClass, volume, snapshot, service or secret), found " + document.size() + ": "
          + document.fieldNames().stream().limit(5).map(UserText::quote).toList(), "documents[" + index + "]");
    }
    String key = document.fieldNames().iterator().next();
    Kind kind = Kind.fromDocumentKey(key).orElseThrow(() -> ApiException.malformed("document " + index
        + ": unknown kind " + UserText.quote(key) + "; use storageClass, volume, snapshot, service or secret", "documents[" + index + "]"));
    if (!(document.getValue(key) instanceof JsonObject body)) {
      throw ApiException.malformed("document " + index + ": " + UserText.quote(key) + " must hold an object",
          UserText.child("documents[" + index + "]", key));
    }
    return Map.entry(kind, body);
  }

  private static Throwable located(int index, Map.Entry<Kind, JsonObject> doc, Throwable err) {
    Throwable failure = ApiException.from(err);
    if (!(failure instanceof ApiException api) || api.code().equals("StoreUnavailable")) {
      return failure;
    }
    String name = doc.getValue().getString("name", "?");
    String field = "documents[" + index + "]" + (api.field() == null ? "" : "." + api.field());
    return new ApiException(api.status(), api.code(), "document " + index + " (" + doc.getKey().kindName()
        + " " + name + "): " + api.getMessage() + "; nothing was applied", field);
  }
}
