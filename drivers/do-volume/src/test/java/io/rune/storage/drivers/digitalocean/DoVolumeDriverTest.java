package io.rune.storage.drivers.digitalocean;

import static io.rune.storage.drivers.digitalocean.DoVolumeDriverConformanceTest.DROPLET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.drivers.digitalocean.fake.DoVolume;
import io.rune.storage.drivers.digitalocean.fake.Fault;
import io.rune.storage.driver.fakecloud.RecordedRequest;
import io.rune.storage.driver.fakecloud.RequestMatch;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How do-volume meets DigitalOcean's refusals, limits and failures, against the local DigitalOcean API. */
class DoVolumeDriverTest extends FakeAccountTest {
  @Test
  void provisionIsIdempotentByNameAndRoundsUpToWholeGibibytes() throws Exception {
    ProvisionRequest request = request(1_500_000_000L);
    ProvisionedVolume first = get(driver.provision(ctx(), request));
    ProvisionedVolume again = get(driver.provision(ctx(), request));
    assertThat(again).isEqualTo(first);
    assertThat(first.topology()).containsEntry("rune.io/region", "fra1");
    DoVolume volume = fake.volumes().get(0);
    assertThat(fake.volumes()).hasSize(1);
    assertThat(volume.name()).isEqualTo("rune-" + request.uid());
    assertThat(volume.sizeGigabytes()).isEqualTo(2);
    assertThat(volume.description()).isEqualTo("Rune volume team/data");
    assertThat(volume.tags()).containsExactly("rune", "rune-namespace:team", "rune-volume:data");
  }

  @Test
  void aCreateThatRacedAnotherAdoptsItAndADifferentSizeIsPermanent() throws Exception {
    ProvisionRequest request = request(1L << 30);
    get(driver.provision(ctx(), request));
    ProvisionRequest bigger = new ProvisionRequest(request.uid(), "data", "team", 5L << 30, "ReadWriteOnce",
        Map.of(), Map.of(), Instant.now().plusSeconds(60));
    DriverException error = failure(driver.provision(ctx(), bigger));
    assertThat(error.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(error.getMessage()).contains("with 1 GiB, not the 5 GiB asked for");

    // The lookup misses, the create says the name is taken (a create racing this one, not yet listed):
    // retryable, and the retry adopts or creates exactly one volume.
    ProvisionRequest raced = request(1L << 30);
    fake.inject(1, RequestMatch.of("POST", "/v2/volumes"), Fault.duplicateName());
    DriverException taken = failure(driver.provision(ctx(), raced));
    assertThat(taken.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(taken.getMessage()).contains("is taken").contains("looked up again");
    assertThat(taken.blamesBackend()).as("a name clash is this volume's").isFalse();
    assertThat(taken.reason()).isEqualTo(DoFaults.NAME_TAKEN);
    assertThat(get(driver.provision(ctx(), raced)).handle()).isNotBlank();
    assertThat(fake.volumes()).hasSize(2);
  }

  @Test
  void rateLimitedRequestsWaitForTheTimeGivenAndNeverComeBackEarly() throws Exception {
    fake.inject(3, RequestMatch.any(), Fault.tooManyRequests(Duration.ofSeconds(1)));
    Instant start = Instant.now();
    ProvisionedVolume volume = get(driver.provision(ctx(), request(1L << 30)));
    assertThat(volume.handle()).isNotBlank();
    assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    assertThat(fake.earlyRetries()).isEmpty();
    assertThat(fake.requests()).filteredOn(r -> r.status() == 429).hasSize(3);
  }

  /** The 429 loop of one call: a rate limit that goes on is sat out MAX_RATE_LIMITED times, then left to the controller. */
  @Test
  void aRateLimitThatGoesOnEndsTheCallAfterMaxRateLimitedAnswers() throws Exception {
    fake.inject(DoApi.MAX_RATE_LIMITED + 5, RequestMatch.any(), Fault.tooManyRequests(Duration.ofSeconds(1)));
    DriverException limited = failure(driver.find(ctx(), request(1L << 30)));
    assertThat(limited.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(limited.blamesBackend()).isTrue();
    assertThat(fake.requests()).hasSize(DoApi.MAX_RATE_LIMITED).allMatch(r -> r.status() == 429);
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
        .until(() -> fake.requests().size() == DoApi.MAX_RATE_LIMITED);
    assertThat(fake.earlyRetries()).isEmpty();
  }

  @Test
  void serverErrorsAreTransientAndABadTokenIsAnAuthFailureNamingItsSecretNotTheToken() throws Exception {
    fake.inject(1, RequestMatch.any(), Fault.serviceUnavailable());
    DriverException unavailable = failure(driver.provision(ctx(), request(1L << 30)));
    assertThat(unavailable.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(unavailable.getMessage()).contains("HTTP 503");
    assertThat(unavailable.blamesBackend()).isTrue();

    String wrong = "dop_v1_wrong" + UUID.randomUUID();
    DriverException auth = failure(driver.provision(
        DoVolumeDriverConformanceTest.context(wrong, new JsonObject()), request(1L << 30)));
    assertThat(auth.error()).isEqualTo(DriverError.AUTH);
    assertThat(auth.getMessage()).contains("secret ops/do-token").doesNotContain(wrong);
    assertThat(fake.requests()).filteredOn(r -> wrong.equals(r.token())).hasSize(1);
  }

  @Test
  void anApiThatRefusesConnectionsOrAnswersTooSlowlyIsTheBackendsFault() throws Exception {
    DoVolumeSettings nowhere = new DoVolumeSettings("http://127.0.0.1:1", Duration.ofSeconds(2),
        Duration.ofMillis(20), Duration.ofSeconds(2));
    DoApi refusing = new DoApi(vertx, nowhere, java.time.Clock.systemUTC());
    DriverException refused = failure(new DoVolumeDriver(refusing, new DoActions(vertx, refusing, nowhere),
        new BlockDeviceMounter(droplet), new DoNode("node-a", Map.of())).find(ctx(), request(1L << 30)));
    assertThat(refused.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(refused.blamesBackend()).isTrue();
    refusing.close();

    DoVolumeSettings impatient = new DoVolumeSettings(fake.baseUrl(), Duration.ofMillis(200),
        Duration.ofMillis(20), Duration.ofSeconds(2));
    DoApi slow = new DoApi(vertx, impatient, java.time.Clock.systemUTC());
    fake.inject(1, RequestMatch.any(), Fault.delay(Duration.ofSeconds(2)));
    DriverException timedOut = failure(new DoVolumeDriver(slow, new DoActions(vertx, slow, impatient),
        new BlockDeviceMounter(droplet), new DoNode("node-a", Map.of())).find(ctx(), request(1L << 30)));
    assertThat(timedOut.blamesBackend()).isTrue();
    slow.close();
  }

  @Test
  void attachFollowsTheActionAndAnErroredActionFails() throws Exception {
    String handle = get(driver.provision(ctx(), request(1L << 30))).handle();
    fake.inject(1, RequestMatch.of("POST", "/v2/volumes/*/actions"), Fault.actionErrored());
    DriverException errored = failure(driver.attach(ctx(), handle, "node-a"));
    assertThat(errored.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(errored.getMessage()).contains("ended errored");
    assertThat(errored.blamesBackend()).isFalse();
    assertThat(fake.volumes().get(0).dropletIds()).isEmpty();

    fake.inject(1, RequestMatch.of("POST", "/v2/volumes/*/actions"), Fault.actionInProgressForPolls(3));
    String device = get(driver.attach(ctx(), handle, "node-a"));
    assertThat(device).isEqualTo("/dev/disk/by-id/scsi-0DO_Volume_" + fake.volumes().get(0).name());
    assertThat(fake.volumes().get(0).dropletIds()).containsExactly(DROPLET);
    assertThat(get(driver.attach(ctx(), handle, "node-a"))).isEqualTo(device);

    fake.inject(1, RequestMatch.of("POST", "/v2/volumes/*/actions"), Fault.pendingEvent());
    DriverException pending = failure(driver.detach(ctx(), handle, "node-a"));
    assertThat(pending.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(pending.getMessage()).contains("pending event");
    assertThat(pending.blamesBackend()).as("one droplet's pending event is not an outage").isFalse();
    assertThat(pending.reason()).isEqualTo(DoFaults.DROPLET_BUSY);

    DriverException attached = failure(driver.delete(ctx(), handle));
    assertThat(attached.error()).isEqualTo(DriverError.TRANSIENT);
    assertThat(attached.getMessage()).contains("still attached");
    assertThat(attached.blamesBackend()).isFalse();
    assertThat(attached.reason()).isEqualTo(DoFaults.VOLUME_ATTACHED);

    get(driver.detach(ctx(), handle, "node-a"));
    get(driver.detach(ctx(), handle, "node-a"));
    get(driver.delete(ctx(), handle));
    get(driver.delete(ctx(), handle));
    assertThat(fake.volumes()).isEmpty();
  }

  @Test
  void theDropletsVolumeLimitAndTheAccountsCapacityArePermanentAndSaySo() throws Exception {
    fake.setMaxVolumesPerDroplet(1);
    String first = get(driver.provision(ctx(), request(1L << 30))).handle();
    String second = get(driver.provision(ctx(), request(1L << 30))).handle();
    get(driver.attach(ctx(), first, "node-a"));
    DriverException full = failure(driver.attach(ctx(), second, "node-a"));
    assertThat(full.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(full.getMessage()).contains("as many volumes as DigitalOcean allows");

    fake.inject(1, RequestMatch.of("POST", "/v2/volumes"), Fault.capacityLimit());
    DriverException capacity = failure(driver.provision(ctx(), request(1L << 30)));
    assertThat(capacity.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(capacity.getMessage()).contains("capacity limit");
    assertThat(capacity.blamesBackend()).isFalse();
  }

  @Test
  void aNodeOfAnotherRegionOrWithoutItsDropletIdIsRefusedBeforeDigitalOceanIsAsked() throws Exception {
    String handle = get(driver.provision(ctx(), request(1L << 30))).handle();
    DoVolumeSettings settings = new DoVolumeSettings(fake.baseUrl(), Duration.ofSeconds(10), Duration.ofMillis(20),
        Duration.ofSeconds(20));
    DoApi api = new DoApi(vertx, settings, java.time.Clock.systemUTC());
    DoVolumeDriver inNewYork = new DoVolumeDriver(api, new DoActions(vertx, api, settings),
        new BlockDeviceMounter(droplet), new DoNode("node-a", Map.of(DoNode.DROPLET_LABEL, Long.toString(DROPLET),
            DoNode.REGION_LABEL, "nyc3")));
    long before = fake.requests().size();
    DriverException elsewhere = failure(inNewYork.attach(ctx(), handle, "node-a"));
    assertThat(elsewhere.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(elsewhere.getMessage()).contains("is a droplet in nyc3").contains("a volume in fra1");
    DriverException unlabelled = failure(new DoVolumeDriver(api, new DoActions(vertx, api, settings),
        new BlockDeviceMounter(droplet), new DoNode("node-a", Map.of())).attach(ctx(), handle, "node-a"));
    assertThat(unlabelled.error()).isEqualTo(DriverError.INVALID_CONFIG);
    assertThat(unlabelled.getMessage()).contains("has no rune.io/droplet-id label");
    assertThat(fake.requests()).hasSize((int) before);
    api.close();
  }

  @Test
  void expandGrowsThroughTheResizeActionAndNeverShrinks() throws Exception {
    String handle = get(driver.provision(ctx(), request(2L << 30))).handle();
    get(driver.expand(ctx(), handle, 1L << 30));
    assertThat(fake.volumes().get(0).sizeGigabytes()).isEqualTo(2);
    get(driver.expand(ctx(), handle, (5L << 30) - 1));
    assertThat(fake.volumes().get(0).sizeGigabytes()).isEqualTo(5);
    List<String> actions = new ArrayList<>();
    for (RecordedRequest r : fake.requests()) {
      if (r.path().endsWith("/actions") && r.method().equals("POST")) {
        actions.add(new JsonObject(r.body()).getString("type"));
      }
    }
    assertThat(actions).containsExactly("resize");
  }

  private static ProvisionRequest request(long bytes) {
    return new ProvisionRequest(UUID.randomUUID().toString(), "data", "team", bytes, "ReadWriteOnce", Map.of(),
        Map.of(), Instant.now().plusSeconds(60));
  }
}
