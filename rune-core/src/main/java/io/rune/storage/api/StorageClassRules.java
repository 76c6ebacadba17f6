package io.rune.storage.api;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.Parameters;
import io.rune.storage.model.ReclaimPolicy;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.model.StorageClassSpec.Expression;
import io.rune.storage.model.StorageClassSpec.TopologyTerm;
import io.rune.storage.model.Topology;
import io.rune.storage.model.UserText;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreReader;
import io.rune.storage.store.StoreTx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Admission of StorageClasses: a known driver, what it can do, and one default at most.
 * Deleting a class with cascade (admin only, as every class write) also deletes its volumes.
 */
final class StorageClassRules implements KindRules<StorageClassSpec> {
  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");
  /** How many Bound volumes a refused cascade names before it says "and N more". */
  private static final int NAMED_BOUND_VOLUMES = 3;

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
        "driver", "unknown driver " + UserText.quote(spec.driver()) + "; known drivers: " + drivers.names()));
    Validation.check(() -> Parameters.check("parameters", spec.parameters()));
    Map<String, String> parameters = spec.parameters() == null ? Map.of() : spec.parameters();
    DriverProvider provider = drivers.provider(spec.driver()).orElseThrow();
    provider.checkClassParameters(parameters).ifPresent(problem -> {
      throw ApiException.invalid("parameters." + problem.parameter(), problem.message());
    });
    String reclaim = spec.reclaimPolicy() == null ? ReclaimPolicy.retain.name() : spec.reclaimPolicy();
    if (ReclaimPolicy.parse(reclaim).isEmpty()) {
      throw ApiException.invalid("reclaimPolicy", "reclaimPolicy must be retain or delete, not " + UserText.quote(reclaim));
    }
    if (reclaim.equals("delete") && !caps.delete()) {
      throw ApiException.unprocessable("DeleteUnsupported", "reclaimPolicy", "driver '" + spec.driver()
          + "' never deletes storage; use reclaimPolicy retain");
    }
    checkTopologies(spec.allowedTopologies());
    Map<String, String> topology = provider.classTopology(parameters);
    if (!topology.isEmpty() && !Topology.allows(spec.allowedTopologies(), topology)) {
      throw ApiException.unprocessable("TopologyNotAllowed", "allowedTopologies", "the class's own topology "
          + topology + " (from its parameters) is outside its allowedTopologies: no volume of it could be placed");
    }
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

  /** Only admins write classes at all, cascade or not: {@link Principal#checkWrite} has said so. */
  @Override
  public Future<Void> admitDelete(StoreReader reads, Principal principal, ApiObject current,
      boolean cascade) {
    return Future.succeededFuture();
  }

  @Override
  public boolean cascades() {
    return true;
  }

  /**
   * Without cascade the row goes and the class's volumes stay. With cascade, in one
   * transaction, every volume of the class (in every namespace) is marked for deletion as a
   * volume DELETE marks it (one already Deleting is left as it is) and the row goes; the
   * volume controller then reclaims each volume as its own reclaimPolicy says. A Bound
   * volume of the class refuses the whole request, changing nothing.
   */
  @Override
  public Future<ApiObject> delete(Store store, ApiObject current, boolean cascade) {
    if (!cascade) {
      return store.delete(current);
    }
    return store.write(tx -> tx.volumesOfClass(current.name()).compose(volumes -> {
      List<ApiObject> bound = volumes.stream().filter(VolumeRules::isBound).toList();
      if (!bound.isEmpty()) {
        throw new ApiException(409, "VolumeInUse", volumesInUse(current.name(), bound), null);
      }
      // The class first: when it has changed since it was read, nothing else is written.
      return tx.delete(current).compose(deleted -> {
        Future<Void> marked = Future.succeededFuture();
        for (ApiObject volume : volumes) {
          if (!VolumeRules.isDeleting(volume)) {
            marked = marked.compose(v -> tx.update(VolumeRules.markedDeleting(volume)).mapEmpty());
          }
        }
        return marked.map(v -> deleted);
      });
    }));
  }

  private static String volumesInUse(String className, List<ApiObject> bound) {
    int shown = Math.min(bound.size(), NAMED_BOUND_VOLUMES);
    String named = String.join(", ", bound.subList(0, shown).stream()
        .map(v -> v.key() + " (bound to " + VolumeStatus.of(v).boundClaim() + ")").toList());
    boolean one = bound.size() == 1;
    return "StorageClass '" + className + "' cannot be deleted with cascade: " + (one ? "volume " : "volumes ")
        + named + (bound.size() > shown ? " and " + (bound.size() - shown) + " more" : "")
        + (one ? " is in use; detach it or delete its service first" : " are in use; detach them or delete their"
            + " services first") + ", then delete the class again. Nothing was changed";
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
      Validation.check(() -> Topology.checkLabels(at + ".matchLabels", term.matchLabels()));
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
    // The key and each value are a node label's, so the label rules apply to them too (a
    // host-path-root value is a path, checked as one).
    Validation.check(() -> LabelSelector.checkLabels(at, Map.of(e.key(), "")));
    if (e.values() != null) {
      if (e.values().size() > LabelSelector.MAX_LABELS) {
        throw ApiException.invalid(at + ".values", "an expression may list at most " + LabelSelector.MAX_LABELS
            + " values");
      }
      for (int i = 0; i < e.values().size(); i++) {
        String value = e.values().get(i);
        if (value == null) {
          throw ApiException.invalid(at + ".values[" + i + "]", "a topology value must be a string");
        }
        Validation.check(() -> Topology.checkLabels(at + ".values", Map.of(e.key(), value)));
      }
    }
  }

  private static boolean isEmpty(Object collection) {
    return collection == null
        || (collection instanceof Map<?, ?> m && m.isEmpty())
        || (collection instanceof List<?> l && l.isEmpty());
  }
}
