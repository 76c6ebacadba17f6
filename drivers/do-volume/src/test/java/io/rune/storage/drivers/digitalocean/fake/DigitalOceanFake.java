package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.driver.fakecloud.RecordedRequest;
import io.rune.storage.driver.fakecloud.RequestMatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A local DigitalOcean API v2 for block storage, for tests in this JVM: volumes, volume
 * actions, volume snapshots and droplets held in memory, served over HTTP on 127.0.0.1 at a
 * port of its own. It answers as the real service does: response shapes, status codes, the
 * error body {"id","message","request_id"}, pagination, rate limits, and the real-world
 * 403/409/422 answers the spec does not describe (the facts page,
 * /work/shared/design/DIGITALOCEAN-API.md).
 *
 * <p>Every request and every reply is validated against the official OpenAPI description of
 * these endpoints, {@code src/test/resources/digitalocean/volumes.openapi.yaml}, an unchanged
 * copy of /work/shared/reference/digitalocean-volumes.openapi.yaml (a subset of
 * digitalocean/openapi at 7c1300c4, Apache-2.0); the README beside it lists the answers the
 * fake had to choose. What failed validation is listed by {@link #contractViolations()}: a
 * driver test asserts it is empty, and that {@link #earlyRetries()} is, so that the driver
 * obeyed every 429.
 *
 * <p>Faults are queued with {@link #inject(int, RequestMatch, Fault)}. All methods are
 * thread-safe and none blocks: call them from the test's thread or an event loop.
 */
public final class DigitalOceanFake {
  private final Clock clock = Clock.systemUTC();
  private final FakeCloud cloud = new FakeCloud(clock);
  private final FaultQueue faults = new FaultQueue();
  private final RateLimits limits = new RateLimits();
  private final ContractCheck contract;
  private final RequestPipeline pipeline;
  private HttpServer server;

  private DigitalOceanFake(Vertx vertx, ContractCheck contract) {
    this.contract = contract;
    this.pipeline = new RequestPipeline(vertx, clock, contract, limits, faults);
  }

  /** Loads the contract and starts listening; the future completes when requests can be sent. */
  public static Future<DigitalOceanFake> start(Vertx vertx) {
    return ContractCheck.load(vertx).compose(contract -> new DigitalOceanFake(vertx, contract).listen(vertx));
  }

  private Future<DigitalOceanFake> listen(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(1 << 20));
    new Endpoints(cloud).mount((method, path, operationId, endpoint) ->
        router.route(method, path).handler(pipeline.serve(operationId, endpoint)));
    router.route().handler(pipeline.serve(null, call -> {
      throw ApiError.NOT_FOUND;
    }));
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(started -> {
      server = started;
      pipeline.setBase(baseUrl());
      return this;
    });
  }

  /** http://127.0.0.1:port, without a trailing slash: requests go to baseUrl() + "/v2/volumes". */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Requests with "Authorization: Bearer token" are served; any other gets 401. */
  public DigitalOceanFake acceptToken(String token) {
    pipeline.acceptToken(Objects.requireNonNull(token, "token"));
    return this;
  }

  /**
   * A droplet volumes can be attached to. Attaching to a droplet the fake does not know is
   * 404 not_found (the spec's answer for what does not exist); to one in another region than
   * the volume, 422 unprocessable_entity.
   */
  public DigitalOceanFake addDroplet(long id, String region) {
    cloud.addDroplet(id, region);
    return this;
  }

  /** How many volumes one droplet may have attached; 15 (DigitalOcean's limit) unless set. */
  public DigitalOceanFake setMaxVolumesPerDroplet(int max) {
    cloud.setMaxVolumesPerDroplet(max);
    return this;
  }

  /**
   * The account's capacity in GiB, counting volume sizes and snapshots' min_disk_size; a
   * create, resize or snapshot past it is 403. Unlimited unless set.
   */
  public DigitalOceanFake setCapacityLimitGigabytes(long gigabytes) {
    cloud.setCapacityGigabytes(gigabytes);
    return this;
  }

  /** Creating a volume in this region answers 422 "Storage is not supported for this region". */
  public DigitalOceanFake disableStorage(String region) {
    cloud.withoutStorage(region);
    return this;
  }

  /**
   * How soon after a 429 a request from the same token is still taken for one already in
   * flight rather than an early retry (default 200 ms); zero counts every request.
   */
  public DigitalOceanFake setInFlightGrace(Duration grace) {
    limits.setInFlightGrace(grace);
    return this;
  }

  /** Requests a token may make an hour and a minute; 5000 and 250 (DigitalOcean's) unless set. */
  public DigitalOceanFake setRateLimits(int perHour, int perMinute) {
    limits.setLimits(perHour, perMinute);
    return this;
  }

  /**
   * A volume that exists without any request to the fake, as one made by another tool or
   * before Rune: with this name, region, size and tags (Rune's or none), detached.
   */
  public DoVolume addVolume(String name, String region, long sizeGigabytes, List<String> tags) {
    return cloud.seedVolume(name, region, sizeGigabytes, tags);
  }

  /**
   * Whether GET /v2/volumes ignores its region filter and lists the name's volumes of every
   * region (as it does when no region is given): a client must check what it is answered,
   * not trust the filter. Off unless set; {@link #reset()} turns it off.
   */
  public DigitalOceanFake listEveryRegion(boolean every) {
    cloud.listEveryRegion(every);
    return this;
  }

  /**
   * Queues a fault for the next {@code times} requests that match, after any queued before it
   * for them. See {@link Fault} for what each does and which requests take it.
   */
  public void inject(int times, RequestMatch match, Fault fault) {
    faults.add(times, Objects.requireNonNull(match, "match"), Objects.requireNonNull(fault, "fault"));
  }

  /** Forgets the queued faults no request has taken (and nothing else). */
  public void clearFaults() {
    faults.clear();
  }

  /** How many queued faults no request has taken yet. */
  public int pendingFaults() {
    return faults.pending();
  }

  /** Lets the actions held by {@link Fault#actionInProgressUntilReleased()} end; returns how many. */
  public int releaseActions() {
    return cloud.releaseActions();
  }

  public List<DoVolume> volumes() {
    return cloud.volumes(null, null);
  }

  public List<DoSnapshot> snapshots() {
    return cloud.snapshots(null);
  }

  public List<DoAction> actions() {
    return cloud.allActions();
  }

  /** Every request received since the start or the last {@link #reset()}, oldest first. */
  public List<RecordedRequest> requests() {
    return pipeline.requests();
  }

  /** How many requests each operation (operationId of the contract) received; "unknown" for no operation. */
  public Map<String, Long> requestCounts() {
    return requests().stream().collect(Collectors.groupingBy(
        request -> Objects.requireNonNullElse(request.operation(), "unknown"), TreeMap::new, Collectors.counting()));
  }

  /** Requests that broke the contract and replies that did not match it, as readable lines. */
  public List<String> contractViolations() {
    return contract.violations();
  }

  /** Requests a token sent before the time a 429 told it to wait for (retry-after, ratelimit-reset). */
  public List<String> earlyRetries() {
    return limits.earlyRetries();
  }

  /** Back to the state just after start: no tokens, droplets, volumes, faults, records; default limits. */
  public void reset() {
    cloud.reset();
    faults.clear();
    limits.reset();
    pipeline.reset();
    contract.clear();
  }
}
