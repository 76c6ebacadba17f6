package io.rune.storage.drivers.digitalocean;

import static io.rune.storage.drivers.digitalocean.DoVolumeDriverConformanceTest.DROPLET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.drivers.digitalocean.fake.DoVolume;
import io.rune.storage.drivers.digitalocean.fake.Fault;
import io.rune.storage.driver.fakecloud.RecordedRequest;
import io.rune.storage.driver.fakecloud.RequestMatch;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * find (the lookup reclaim uses), the provision lookup it shares, and expand, against the
 * local DigitalOcean API: only a volume whose name, region and tags all match is ever taken
 * for a request's, and growth follows the resize action to the end, then grows the
 * filesystem where the volume is mounted.
 */
class DoVolumeLookupAndGrowthTest extends FakeAccountTest {
  private static final String RESIZES = "/v2/volumes/*/actions";

  @Test
  void findNeverCreatesAndFindsWhatProvisionMade() throws Exception {
    ProvisionRequest request = request();
    assertThat(get(driver.find(ctx(), request))).isNull();
    assertThat(creates()).isZero();
    String handle = get(driver.provision(ctx(), request)).handle();
    assertThat(get(driver.find(ctx(), request))).isEqualTo(handle);
    assertThat(creates()).isEqualTo(1);
  }

  @Test
  void aVolumeOfTheSameNameInAnotherRegionIsNeitherFoundNorAdopted() throws Exception {
    ProvisionRequest request = request();
    DoVolume elsewhere = fake.addVolume(DoNames.volume(request.uid()), "ams3", 1,
        DoNames.tags(request.namespace(), request.name()));
    fake.listEveryRegion(true);
    assertThat(get(driver.find(ctx(), request))).as("listed, right name and tags, wrong region").isNull();
    String handle = get(driver.provision(ctx(), request)).handle();
    assertThat(handle).isNotEqualTo(elsewhere.id());
    assertThat(fake.volumes()).filteredOn(v -> v.id().equals(handle)).singleElement()
        .satisfies(v -> assertThat(v.region()).isEqualTo("fra1"));
    assertThat(get(driver.find(ctx(), request))).isEqualTo(handle);
    assertThat(fake.volumes()).anyMatch(v -> v.id().equals(elsewhere.id()));
  }

  @Test
  void aVolumeOfTheNameWithoutRunesTagsIsNotFoundAndBlocksProvisionAsThisVolumesFault() throws Exception {
    ProvisionRequest request = request();
    DoVolume foreign = fake.addVolume(DoNames.volume(request.uid()), "fra1", 1, List.of("backup"));
    assertThat(get(driver.find(ctx(), request))).isNull();
    DriverException taken = failure(driver.provision(ctx(), request));
    assertThat(taken.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(taken.blamesBackend()).isFalse();
    assertThat(taken.reason()).isEqualTo(DoFaults.NAME_TAKEN);
    assertThat(taken.getMessage()).contains(foreign.id()).contains("will not adopt it");
    assertThat(creates()).isZero();
    assertThat(fake.requests()).noneMatch(r -> r.method().equals("DELETE"));
  }

  @Test
  void aRequestForAnotherRegionThanItsClassIsThisVolumesFault() throws Exception {
    ProvisionRequest nyc = new ProvisionRequest(UUID.randomUUID().toString(), "data", "team", 1L << 30,
        "ReadWriteOnce", Map.of(), Map.of(DoVolumeDriverProvider.REGION_LABEL, "nyc3"), deadline());
    DriverException mismatch = failure(driver.find(ctx(), nyc));
    assertThat(mismatch.reason()).isEqualTo(DoFaults.REGION_MISMATCH);
    assertThat(mismatch.blamesBackend()).isFalse();
    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void findBlamesTheBackendFor5xxAndRateLimitsButNotFor4xx() throws Exception {
    fake.inject(1, RequestMatch.of("GET", "/v2/volumes"), Fault.serviceUnavailable());
    DriverException down = failure(driver.find(ctx(), request()));
    assertThat(down.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(down.blamesBackend()).isTrue();
    fake.inject(1, RequestMatch.of("GET", "/v2/volumes"), new Fault.Answer(422, "unprocessable_entity",
        "region is not valid", null));
    DriverException refused = failure(driver.find(ctx(), request()));
    assertThat(refused.blamesBackend()).isFalse();
    assertThat(refused.reason()).isEqualTo(DoFaults.REFUSED);
  }

  @Test
  void expandFollowsTheResizeFromInProgressToCompletedAndAnEqualOrSmallerSizeMakesNoCall() throws Exception {
    String handle = get(driver.provision(ctx(), request())).handle();
    long before = resizes();
    get(driver.expand(ctx(), handle, 1L << 30));
    get(driver.expand(ctx(), handle, 1L));
    assertThat(resizes()).isEqualTo(before);

    fake.inject(1, RequestMatch.of("POST", RESIZES), Fault.actionInProgressForPolls(3));
    get(driver.expand(ctx(), handle, 3L << 30));
    assertThat(size(handle)).isEqualTo(3);
    assertThat(resizeBodies()).singleElement().satisfies(body -> {
      assertThat(body.getLong("size_gigabytes")).isEqualTo(3);
      assertThat(body.getString("region")).isEqualTo("fra1");
    });
    assertThat(fake.requests()).filteredOn(r -> r.method().equals("GET") && r.path().matches(".*/actions/\\d+"))
        .hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void expandOfAnUnknownVolumeIsNotFoundAndAnErroredResizeIsThisVolumesFault() throws Exception {
    DriverException missing = failure(driver.expand(ctx(), UUID.randomUUID().toString(), 2L << 30));
    assertThat(missing.error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(missing.blamesBackend()).isFalse();

    String handle = get(driver.provision(ctx(), request())).handle();
    fake.inject(1, RequestMatch.of("POST", RESIZES), Fault.actionErrored());
    DriverException errored = failure(driver.expand(ctx(), handle, 2L << 30));
    assertThat(errored.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(errored.blamesBackend()).isFalse();
    assertThat(errored.reason()).isEqualTo(DoFaults.ACTION_ERRORED);
    assertThat(size(handle)).isEqualTo(1);
    get(driver.expand(ctx(), handle, 2L << 30));
    assertThat(size(handle)).isEqualTo(2);
  }

  @Test
  void aResizeLeftRunningByATimedOutCallIsFollowedNotPostedAgain() throws Exception {
    DoVolumeSettings impatient = new DoVolumeSettings(fake.baseUrl(), Duration.ofSeconds(10), Duration.ofMillis(20),
        Duration.ofMillis(100));
    DoApi api = new DoApi(vertx, impatient, Clock.systemUTC());
    DoVolumeDriver hurried = new DoVolumeDriver(api, new DoActions(vertx, api, impatient),
        new BlockDeviceMounter(droplet), new DoNode("node-a", Map.of(DoNode.DROPLET_LABEL, Long.toString(DROPLET))));
    String handle = get(hurried.provision(ctx(), request())).handle();
    fake.inject(1, RequestMatch.of("POST", RESIZES), Fault.actionInProgressUntilReleased());
    DriverException running = failure(hurried.expand(ctx(), handle, 4L << 30));
    assertThat(running.reason()).isEqualTo(DoFaults.ACTION_RUNNING);
    assertThat(running.blamesBackend()).isFalse();

    Future<Void> retried = driver.expand(ctx(), handle, 4L << 30);
    await().atMost(Duration.ofSeconds(20)).until(() -> fake.requests().stream()
        .anyMatch(r -> r.method().equals("GET") && r.path().equals("/v2/volumes/" + handle + "/actions")));
    assertThat(fake.releaseActions()).isEqualTo(1);
    get(retried);
    assertThat(size(handle)).isEqualTo(4);
    assertThat(resizeBodies()).as("one resize posted, then followed").hasSize(1);
    api.close();
  }

  /** The poll loop of an action: one that never ends is polled until actionTimeout, then left alone. */
  @Test
  void aResizeThatStaysInProgressIsPolledOnlyUntilActionTimeoutThenNoMore() throws Exception {
    DoVolumeSettings impatient = new DoVolumeSettings(fake.baseUrl(), Duration.ofSeconds(10), Duration.ofMillis(20),
        Duration.ofMillis(100));
    DoApi api = new DoApi(vertx, impatient, Clock.systemUTC());
    DoVolumeDriver hurried = new DoVolumeDriver(api, new DoActions(vertx, api, impatient),
        new BlockDeviceMounter(droplet), new DoNode("node-a", Map.of(DoNode.DROPLET_LABEL, Long.toString(DROPLET))));
    String handle = get(hurried.provision(ctx(), request())).handle();
    fake.inject(1, RequestMatch.of("POST", RESIZES), Fault.actionInProgressUntilReleased());
    DriverException running = failure(hurried.expand(ctx(), handle, 2L << 30));
    assertThat(running.reason()).isEqualTo(DoFaults.ACTION_RUNNING);

    long polls = actionPolls(handle);
    // 100 ms of 20 ms polls: about five, never more than the timeout allows.
    assertThat(polls).isBetween(1L, 100L / 20 + 1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> actionPolls(handle) == polls);
    assertThat(resizeBodies()).as("posted once, never again by the failed call").hasSize(1);
    assertThat(fake.releaseActions()).isEqualTo(1);
    api.close();
  }

  @Test
  void expandOfAMountedVolumeGrowsItsFilesystemAndTheNextMountGrowsOneResizedElsewhere() throws Exception {
    String handle = get(driver.provision(ctx(), request())).handle();
    String device = DoNames.device(volumeName(handle));
    droplet.plugIn(device);
    get(driver.mount(ctx(), new MountRequest(handle, "node-a", device, "/mnt/rune/a", false, null)));
    int before = droplet.commands().size();
    get(driver.expand(ctx(), handle, 2L << 30));
    assertThat(droplet.commands().subList(before, droplet.commands().size()))
        .contains(List.of("resize2fs", device));

    get(driver.unmount(ctx(), "/mnt/rune/a"));
    before = droplet.commands().size();
    get(driver.expand(ctx(), handle, 3L << 30));
    assertThat(droplet.commands().subList(before, droplet.commands().size()))
        .as("not mounted here: nothing to grow now").noneMatch(c -> c.get(0).equals("resize2fs"));
    get(driver.mount(ctx(), new MountRequest(handle, "node-a", device, "/mnt/rune/a", false, null)));
    assertThat(droplet.commands().get(droplet.commands().size() - 1)).isEqualTo(List.of("resize2fs", device));
  }

  private long actionPolls(String handle) {
    return fake.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().startsWith("/v2/volumes/" + handle + "/actions/")).count();
  }

  private long creates() {
    return fake.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals("/v2/volumes")).count();
  }

  private long resizes() {
    return resizeBodies().size();
  }

  private List<JsonObject> resizeBodies() {
    return fake.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/actions"))
        .map(RecordedRequest::body).map(JsonObject::new).filter(b -> "resize".equals(b.getString("type")))
        .toList();
  }

  private long size(String handle) {
    return fake.volumes().stream().filter(v -> v.id().equals(handle)).findFirst().orElseThrow().sizeGigabytes();
  }

  private String volumeName(String handle) {
    return fake.volumes().stream().filter(v -> v.id().equals(handle)).findFirst().orElseThrow().name();
  }

  private static ProvisionRequest request() {
    return new ProvisionRequest(UUID.randomUUID().toString(), "data", "team", 1L << 30, "ReadWriteOnce", Map.of(),
        Map.of(), deadline());
  }

  private static Instant deadline() {
    return Instant.now().plusSeconds(60);
  }
}
