package io.rune.storage.api;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverCatalog;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ReclaimPolicy;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.model.StorageClassSpec.Expression;
import io.rune.storage.model.StorageClassSpec.TopologyTerm;
import io.rune.storage.store.StoreReader;
import io.rune.storage.store.StoreTx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Admission of StorageClasses: a known driver, what it can do, and one default at most. */
final class StorageClassRules implements KindRules<StorageClassSpec> {
  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private final DriverCatalog drivers;

  StorageClassRules(DriverCatalog drivers) {
    this.drivers = drivers;
  }

  @Override
  public Kind kind() {
    return Kind.STORAGE_CLASS;
  }

  @Override
  public Class<StorageClassSpec> specType() {
    return StorageClassSpec.class;
  }

  @Override
  public Future<StorageClassSpec> precheck(Principal principal, ResourceInput<StorageClassSpec> input) {
    StorageClassSpec spec = input.spec();
    if (spec.driver() == null || spec.driver().isBlank()) {
      throw ApiException.invalid("driver", "driver is required; known drivers: " + drivers.names());
    }
    DriverCapabilities caps = drivers.capabilities(spec.driver()).orElseThrow(() -> ApiException.invalid(
        "driver", "unknown driver '" + spec.driver() + "'; known drivers: " + drivers.names()));
    checkParameters(spec.parameters());
    String reclaim = spec.reclaimPolicy() == null ? ReclaimPolicy.retain.name() : spec.reclaimPolicy();
    if (ReclaimPolicy.parse(reclaim).isEmpty()) {
      throw ApiException.invalid("reclaimPolicy", "reclaimPolicy must be retain or delete, not '" + reclaim + "'");
    }
    if (reclaim.equals("delete") && !caps.delete()) {
      throw ApiException.unprocessable("DeleteUnsupported", "reclaimPolicy", "driver '" + spec.driver()
          + "' never deletes storage; use reclaimPolicy retain");
    }
    checkTopologies(spec.allowedTopologies());
    return Future.succeededFuture(new StorageClassSpec(spec.driver(),
        spec.parameters() == null ? Map.of() : spec.parameters(), reclaim, spec.defaultClass(),
        spec.allowedTopologies() == null ? List.of() : spec.allowedTopologies()));
  }

  @Override
  public Future<JsonObject> admitCreate(StoreReader reads, Principal principal, String namespace,
      StorageClassSpec spec) {
    return Future.succeededFuture(InputParser.toJson(spec));
  }

  @Override
  public Future<JsonObject> admitUpdate(StoreReader reads, Principal principal, ApiObject current,
      StorageClassSpec spec) {
    if (!spec.driver().equals(current.spec().getString("driver"))) {
      throw ApiException.invalid("driver", "the driver of a StorageClass cannot change (it is '"
          + current.spec().getString("driver") + "'); create a new class instead");
    }
    return Future.succeededFuture(InputParser.toJson(spec));
  }

  @Override
  public Future<Void> admitDelete(StoreReader reads, Principal principal, ApiObject current,
      boolean cascade) {
    return Future.succeededFuture();
  }

  @Override
  public JsonObject initialStatus() {
    return new JsonObject();
  }

  /** Making a class default demotes the previous default in the same transaction. */
  static Future<Void> demoteOtherDefault(StoreTx tx, String self) {
    return tx.defaultStorageClass().compose(previous -> {
      if (previous == null || previous.name().equals(self)) {
        return Future.succeededFuture();
      }
      JsonObject demoted = previous.spec().copy().put("default", false);
      return tx.update(previous.withSpec(demoted, previous.labels())).mapEmpty();
    });
  }

  private static void checkParameters(Map<String, String> parameters) {
    if (parameters == null) {
      return;
    }
    parameters.forEach((key, value) -> {
      if (key.isBlank()) {
        throw ApiException.invalid("parameters", "parameter names must not be empty");
      }
      if (value == null) {
        throw ApiException.invalid("parameters." + key, "parameter '" + key + "' needs a value");
      }
    });
  }

  private static void checkTopologies(List<TopologyTerm> terms) {
    if (terms == null) {
      return;
    }
    for (int i = 0; i < terms.size(); i++) {
      String at = "allowedTopologies[" + i + "]";
      TopologyTerm term = terms.get(i);
      if (term == null || (isEmpty(term.matchLabels()) && isEmpty(term.matchExpressions()))) {
        throw ApiException.invalid(at, "each allowedTopologies entry needs matchLabels or matchExpressions");
      }
      List<Expression> expressions = term.matchExpressions() == null ? List.of() : term.matchExpressions();
      for (int j = 0; j < expressions.size(); j++) {
        checkExpression(at + ".matchExpressions[" + j + "]", expressions.get(j));
      }
    }
  }

  private static void checkExpression(String at, Expression e) {
    if (e.key() == null || e.key().isBlank()) {
      throw ApiException.invalid(at + ".key", "a topology expression needs a key, e.g. rune.io/zone");
    }
    if (e.operator() == null || !OPERATORS.contains(e.operator())) {
      throw ApiException.invalid(at + ".operator", "operator must be one of In, NotIn, Exists, DoesNotExist");
    }
    boolean needsValues = e.operator().equals("In") || e.operator().equals("NotIn");
    if (needsValues && isEmpty(e.values())) {
      throw ApiException.invalid(at + ".values", "operator " + e.operator() + " needs at least one value");
    }
    if (!needsValues && !isEmpty(e.values())) {
      throw ApiException.invalid(at + ".values", "operator " + e.operator() + " takes no values");
    }
  }

  private static boolean isEmpty(Object collection) {
    return collection == null
        || (collection instanceof Map<?, ?> m && m.isEmpty())
        || (collection instanceof List<?> l && l.isEmpty());
  }
}
