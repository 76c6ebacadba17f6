package io.rune.storage.drivers.digitalocean;

import io.rune.storage.model.AccessMode;
import io.rune.storage.model.ValidationException;
import io.rune.storage.model.SecretRef;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code do-volume} driver: DigitalOcean block volumes. ReadWriteOnce (a volume is on
 * one droplet at a time), snapshots and restore, growth (online: DigitalOcean resizes attached
 * volumes, and the filesystem is grown where it is mounted); topology {@code rune.io/region}.
 * It runs on every node, because attaching and mounting happen on the node's own droplet.
 */
public final class DoVolumeDriverProvider implements DriverProvider {
  public static final String NAME = "do-volume";
  static final String REGION_LABEL = "rune.io/region";
  static final DriverCapabilities CAPABILITIES = new DriverCapabilities(Set.of(AccessMode.ReadWriteOnce),
      true, true, true, true, List.of(REGION_LABEL), false);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public boolean nodeLocal() {
    return true;
  }

  /** region (a slug), apiTokenSecretRef ({@code <namespace>/<name>[:<key>]}), fsType (ext4 or xfs). */
  @Override
  public Optional<ParameterProblem> checkClassParameters(Map<String, String> parameters) {
    for (String name : parameters.keySet()) {
      if (!Set.of(DoClass.REGION, DoClass.TOKEN_REF, DoClass.FS_TYPE).contains(name)) {
        return problem(name, "do-volume classes take region, apiTokenSecretRef and fsType, not '" + name + "'");
      }
    }
    String region = parameters.get(DoClass.REGION);
    if (region == null || !DoRegions.valid(region)) {
      return problem(DoClass.REGION, (region == null ? "region is required" : "'" + region + "' is not a"
          + " DigitalOcean region with block storage") + "; use one of " + new TreeSet<>(DoRegions.SLUGS));
    }
    String reference = parameters.get(DoClass.TOKEN_REF);
    if (reference == null) {
      return problem(DoClass.TOKEN_REF, "apiTokenSecretRef is required: the Secret holding the DigitalOcean API"
          + " token, written " + SecretRef.FORM);
    }
    try {
      SecretRef.parse(DoClass.TOKEN_REF, reference);
    } catch (ValidationException e) {
      return problem(DoClass.TOKEN_REF, e.getMessage());
    }
    String fsType = parameters.getOrDefault(DoClass.FS_TYPE, "ext4");
    if (!BlockDeviceMounter.FS_TYPES.contains(fsType)) {
      return problem(DoClass.FS_TYPE, "fsType must be ext4 or xfs, not '" + fsType + "'");
    }
    return Optional.empty();
  }

  /** Size, class and topology say everything about a DigitalOcean volume: it takes no parameters of its own. */
  @Override
  public Optional<ParameterProblem> checkVolumeParameters(Map<String, String> parameters) {
    return parameters.keySet().stream().findFirst().map(name -> new ParameterProblem(name,
        "do-volume volumes take no parameters; region, token and fsType come from the StorageClass"));
  }

  @Override
  public Map<String, String> classTopology(Map<String, String> parameters) {
    String region = parameters.get(DoClass.REGION);
    return region == null ? Map.of() : Map.of(REGION_LABEL, region);
  }

  /** One breaker per region and token: an outage of one region, or a revoked token, stops only its own calls. */
  @Override
  public String breakerScope(DriverContext ctx) {
    String region = ctx.parameters().getOrDefault(DoClass.REGION, "");
    String token = ctx.secret(DoClass.TOKEN_REF);
    return token == null ? region : region + "/" + new DoToken(token, "").fingerprint();
  }

  private static Optional<ParameterProblem> problem(String parameter, String message) {
    return Optional.of(new ParameterProblem(parameter, message));
  }

  @Override
  public StorageDriver create(DriverEnvironment environment) {
    DoVolumeSettings settings = DoVolumeSettings.from(environment.settings());
    DoApi api = new DoApi(environment.vertx(), settings, Clock.systemUTC());
    return new DoVolumeDriver(api, new DoActions(environment.vertx(), api, settings),
        new BlockDeviceMounter(new ProcessCommandExecutor(environment.vertx())),
        new DoNode(environment.node(), environment.nodeLabels()));
  }
}
