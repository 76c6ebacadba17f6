package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.driver.fakecloud.RecordedRequest;
import io.rune.storage.driver.fakecloud.Reply;
import io.rune.storage.driver.fakecloud.RequestMatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.Http.Response;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake against its own contract and the facts page: every operation's happy path passes
 * the OpenAPI validation, the real-world errors, pagination, rate limits and each fault come
 * out as DigitalOcean sends them.
 */
class DigitalOceanFakeTest {
  private static final String TOKEN = "test-token";
  private static final long DROPLET = 4242;
  private static final long OTHER_DROPLET = 4343;
  private static final long DROPLET_IN_LONDON = 4444;

  private static Vertx vertx;
  private static DigitalOceanFake fake;
  private Http api;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = result(DigitalOceanFake.start(vertx));
  }

  @AfterAll
  static void stop() throws Exception {
    result(fake.close());
    result(vertx.close());
  }

  @BeforeEach
  void freshAccount() {
    fake.reset();
    fake.acceptToken(TOKEN).addDroplet(DROPLET, "nyc1").addDroplet(OTHER_DROPLET, "nyc1")
        .addDroplet(DROPLET_IN_LONDON, "lon1");
    // These tests retry at once on purpose: every request counts, none is taken for one in flight.
    fake.setInFlightGrace(java.time.Duration.ZERO);
    api = new Http(fake.baseUrl(), TOKEN);
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void everyOperationOfTheContractAnswersItsHappyPathWithinTheContract() {
    JsonObject volume = createVolume("pg-data", "nyc1", 10);
    String id = volume.getString("id");
    assertThat(volume.getJsonArray("droplet_ids")).isEmpty();
    assertThat(volume.getJsonObject("region").getString("slug")).isEqualTo("nyc1");
    assertThat(api.get("/v2/volumes").json().getJsonArray("volumes")).hasSize(1);
    assertThat(api.get("/v2/volumes/" + id).json().getJsonObject("volume").getString("name")).isEqualTo("pg-data");

    Response attach = api.post("/v2/volumes/" + id + "/actions", attach(DROPLET));
    assertThat(attach.status()).isEqualTo(202);
    long actionId = attach.json().getJsonObject("action").getLong("id");
    assertThat(api.get("/v2/volumes/" + id + "/actions/" + actionId).status()).isEqualTo(200);
    assertThat(api.get("/v2/volumes/" + id + "/actions").json().getJsonArray("actions")).hasSize(1);
    Response detach = api.post("/v2/volumes/actions", new JsonObject().put("type", "detach")
        .put("volume_name", "pg-data").put("region", "nyc1").put("droplet_id", DROPLET));
    assertThat(detach.status()).isEqualTo(202);
    assertThat(api.post("/v2/volumes/" + id + "/actions", resize(20)).status()).isEqualTo(202);

    JsonObject snapshot = api.post("/v2/volumes/" + id + "/snapshots", new JsonObject().put("name", "before"))
        .json().getJsonObject("snapshot");
    String snapshotId = snapshot.getString("id");
    assertThat(snapshot.containsKey("status")).isFalse();
    assertThat(snapshot.getString("resource_type")).isEqualTo("volume");
    assertThat(api.get("/v2/volumes/" + id + "/snapshots").json().getJsonArray("snapshots")).hasSize(1);
    assertThat(api.get("/v2/volumes/snapshots/" + snapshotId).status()).isEqualTo(200);
    assertThat(api.get("/v2/snapshots/" + snapshotId).status()).isEqualTo(200);
    assertThat(api.get("/v2/snapshots?resource_type=volume").json().getJsonArray("snapshots")).hasSize(1);
    assertThat(api.get("/v2/snapshots?resource_type=droplet").json().getJsonArray("snapshots")).isEmpty();
    assertThat(api.delete("/v2/volumes/snapshots/" + snapshotId).status()).isEqualTo(204);
    String second = api.post("/v2/volumes/" + id + "/snapshots", new JsonObject().put("name", "again"))
        .json().getJsonObject("snapshot").getString("id");
    assertThat(api.delete("/v2/snapshots/" + second).status()).isEqualTo(204);

    assertThat(api.delete("/v2/volumes/" + id).status()).isEqualTo(204);
    createVolume("by-name", "nyc1", 1);
    assertThat(api.delete("/v2/volumes?name=by-name&region=nyc1").status()).isEqualTo(204);

    assertThat(fake.contractViolations()).isEmpty();
    assertThat(fake.requestCounts()).containsOnlyKeys("volumes_list", "volumes_create", "volumes_delete_byName",
        "volumes_get", "volumes_delete", "volumeActions_post", "volumeActions_post_byId", "volumeActions_list",
        "volumeActions_get", "volumeSnapshots_list", "volumeSnapshots_create", "volumeSnapshots_get_byId",
        "volumeSnapshots_delete_byId", "snapshots_list", "snapshots_get", "snapshots_delete");
    assertThat(fake.volumes()).isEmpty();
    assertThat(fake.snapshots()).isEmpty();
  }

  @Test
  void anActionAnswersInProgressAndChangesTheVolumeWhenItHasCompleted() {
    String id = createVolume("data", "nyc1", 10).getString("id");
    JsonObject action = api.post("/v2/volumes/" + id + "/actions", attach(DROPLET)).json().getJsonObject("action");
    assertThat(action.getString("status")).isEqualTo("in-progress");
    assertThat(action.getString("type")).isEqualTo("attach_volume");
    assertThat(action.getString("region_slug")).isEqualTo("nyc1");
    assertThat(action.getValue("completed_at")).isNull();
    assertThat(action.containsKey("resource_id")).isTrue();

    JsonObject polled = poll(id, action.getLong("id"));
    assertThat(polled.getString("status")).isEqualTo("completed");
    assertThat(Instant.parse(polled.getString("completed_at"))).isAfterOrEqualTo(Instant.parse(polled.getString("started_at")));
    assertThat(volume(id).getJsonArray("droplet_ids").getList()).containsExactly((int) DROPLET);

    api.post("/v2/volumes/" + id + "/actions", detach(DROPLET));
    assertThat(volume(id).getJsonArray("droplet_ids")).isEmpty();
    api.post("/v2/volumes/" + id + "/actions", resize(30));
    assertThat(volume(id).getLong("size_gigabytes")).isEqualTo(30);
    assertThat(fake.actions()).extracting(DoAction::type).containsExactly("attach_volume", "detach_volume", "resize_volume");
    assertThat(fake.contractViolations()).isEmpty();
  }

  @Test
  void oneVolumePerNamePerRegionAndNamesFollowTheRules() {
    createVolume("shared", "nyc1", 10);
    Response duplicate = api.post("/v2/volumes", volumeBody("shared", "nyc1", 10));
    assertError(duplicate, 409, "already_exists");
    assertThat(api.post("/v2/volumes", volumeBody("shared", "lon1", 10)).status()).isEqualTo(201);
    assertThat(api.get("/v2/volumes?name=shared&region=nyc1").json().getJsonArray("volumes")).hasSize(1);
    assertThat(api.get("/v2/volumes?name=shared").json().getJsonArray("volumes")).hasSize(2);

    assertError(api.post("/v2/volumes", volumeBody("Upper_Case", "nyc1", 10)), 422, "unprocessable_entity");
    assertError(api.post("/v2/volumes", volumeBody("huge", "nyc1", 16385)), 422, "unprocessable_entity");
    fake.disableStorage("sgp1");
    Response noStorage = api.post("/v2/volumes", volumeBody("far", "sgp1", 10));
    assertError(noStorage, 422, "unprocessable_entity");
    assertThat(noStorage.json().getString("message")).isEqualTo("Storage is not supported for this region");
    assertThat(fake.contractViolations()).as("real-world errors the spec does not describe").isEmpty();
  }

  @Test
  void attachAndDetachRefuseAsDigitalOceanDoes() {
    String id = createVolume("disk", "nyc1", 10).getString("id");
    api.post("/v2/volumes/" + id + "/actions", attach(DROPLET));
    assertMessage(api.post("/v2/volumes/" + id + "/actions", attach(DROPLET)), 422, "This volume is already attached");
    assertError(api.post("/v2/volumes/" + id + "/actions", attach(OTHER_DROPLET)), 422, "unprocessable_entity");
    assertMessage(api.post("/v2/volumes/" + id + "/actions", detach(OTHER_DROPLET)), 422, "Attachment not found");
    assertError(api.post("/v2/volumes/" + id + "/actions", attach(999)), 404, "not_found");
    String london = createVolume("disk", "lon1", 10).getString("id");
    assertError(api.post("/v2/volumes/" + london + "/actions", attach(DROPLET)), 422, "unprocessable_entity");

    Response deleteAttached = api.delete("/v2/volumes/" + id);
    assertError(deleteAttached, 409, "conflict");
    assertThat(deleteAttached.json().getString("message")).startsWith("A volume that's attached to a Droplet cannot be deleted");

    fake.setMaxVolumesPerDroplet(1);
    String third = createVolume("third", "nyc1", 10).getString("id");
    assertMessage(api.post("/v2/volumes/" + third + "/actions", attach(DROPLET)), 422,
        "cannot attach more volumes to the Droplet");
    assertThat(fake.contractViolations()).isEmpty();
  }

  @Test
  void aDropletWithARunningActionHasAPendingEvent() {
    String first = createVolume("first", "nyc1", 10).getString("id");
    String second = createVolume("second", "nyc1", 10).getString("id");
    fake.inject(1, RequestMatch.of("POST", "/v2/volumes/*/actions"), Fault.actionInProgressUntilReleased());
    long held = api.post("/v2/volumes/" + first + "/actions", attach(DROPLET)).json().getJsonObject("action").getLong("id");

    assertMessage(api.post("/v2/volumes/" + second + "/actions", attach(DROPLET)), 422,
        "Droplet already has a pending event.");
    assertThat(poll(first, held).getString("status")).isEqualTo("in-progress");
    assertThat(volume(first).getJsonArray("droplet_ids")).isEmpty();
    assertThat(fake.releaseActions()).isEqualTo(1);
    assertThat(poll(first, held).getString("status")).isEqualTo("completed");
    assertThat(api.post("/v2/volumes/" + second + "/actions", attach(DROPLET)).status()).isEqualTo(202);
  }

  @Test
  void resizeGoesOnlyUpwardsAndCapacityIsLimited() {
    String id = createVolume("grow", "nyc1", 10).getString("id");
    assertError(api.post("/v2/volumes/" + id + "/actions", resize(10)), 422, "unprocessable_entity");
    assertError(api.post("/v2/volumes/" + id + "/actions", resize(5)), 422, "unprocessable_entity");
    fake.setCapacityLimitGigabytes(25);
    assertMessage(api.post("/v2/volumes/" + id + "/actions", resize(30)), 403, "volume/snapshot capacity limit exceeded");
    assertError(api.post("/v2/volumes", volumeBody("more", "nyc1", 16)), 403, "forbidden");
    assertThat(api.post("/v2/volumes", volumeBody("fits", "nyc1", 15)).status()).isEqualTo(201);
    assertThat(fake.contractViolations()).isEmpty();
  }

  @Test
  void aResizeRunsInProgressThenCompletesAndIsRefusedForAnUnknownVolumeOrAnotherRegion() {
    String id = createVolume("grown", "nyc1", 10).getString("id");
    assertError(api.post("/v2/volumes/0b5a5d2e-9c1a-4f7e-8a39-1c2d3e4f5a6b/actions", resize(20)), 404, "not_found");
    assertError(api.post("/v2/volumes/" + id + "/actions", resize(20).put("region", "lon1")), 422,
        "unprocessable_entity");

    fake.inject(1, RequestMatch.of("POST", "/v2/volumes/*/actions"), Fault.actionInProgressForPolls(1));
    Response started = api.post("/v2/volumes/" + id + "/actions", resize(20));
    assertThat(started.status()).isEqualTo(202);
    JsonObject action = started.json().getJsonObject("action");
    assertThat(action.getString("type")).isEqualTo("resize_volume");
    assertThat(action.getString("status")).isEqualTo("in-progress");
    assertThat(action.getString("region_slug")).isEqualTo("nyc1");
    assertThat(volume(id).getLong("size_gigabytes")).as("the new size shows once completed").isEqualTo(10);
    assertThat(api.get("/v2/volumes/" + id + "/actions").json().getJsonArray("actions").getJsonObject(0)
        .getString("status")).isEqualTo("in-progress");
    assertThat(poll(id, action.getLong("id")).getString("status")).isEqualTo("in-progress");
    assertThat(poll(id, action.getLong("id")).getString("status")).isEqualTo("completed");
    assertThat(volume(id).getLong("size_gigabytes")).isEqualTo(20);
    assertThat(fake.contractViolations()).isEmpty();
  }

  @Test
  void aSeededVolumeIsListedAndTheRegionFilterCanBeIgnoredOnCommand() {
    createVolume("same-name", "nyc1", 10);
    DoVolume elsewhere = fake.addVolume("same-name", "lon1", 5, List.of("rune"));
    assertThat(fake.requests()).as("seeding makes no request").hasSize(1);
    assertThat(api.get("/v2/volumes?name=same-name&region=nyc1").json().getJsonArray("volumes")).hasSize(1);
    fake.listEveryRegion(true);
    JsonArray listed = api.get("/v2/volumes?name=same-name&region=nyc1").json().getJsonArray("volumes");
    assertThat(listed).hasSize(2);
    assertThat(listed.getJsonObject(1).getString("id")).isEqualTo(elsewhere.id());
    assertThat(listed.getJsonObject(1).getJsonObject("region").getString("slug")).isEqualTo("lon1");
    assertThat(listed.getJsonObject(1).getJsonArray("tags").getList()).containsExactly("rune");

    fake.inject(5, RequestMatch.any(), Fault.serverError());
    fake.clearFaults();
    assertThat(fake.pendingFaults()).isZero();
    fake.reset();
    fake.acceptToken(TOKEN);
    assertThat(api.get("/v2/volumes").json().getJsonArray("volumes")).isEmpty();
    assertThat(fake.contractViolations()).isEmpty();
  }

  @Test
  void whatDoesNotExistIsNotFound() {
    String missing = "/v2/volumes/0b5a5d2e-9c1a-4f7e-8a39-1c2d3e4f5a6b";
    assertError(api.get(missing), 404, "not_found");
    assertError(api.delete(missing), 404, "not_found");
    assertError(api.get(missing + "/actions/7"), 404, "not_found");
    assertError(api.delete("/v2/volumes?name=nothing&region=nyc1"), 404, "not_found");
    assertError(api.get("/v2/snapshots/6372321"), 404, "not_found");
    assertThat(api.get(missing).json().getString("request_id")).isNotBlank();
    assertThat(fake.contractViolations()).isEmpty();
  }

  @Test
  void unknownTokensAreUnauthorizedAndAMissingOneBreaksTheContract() {
    Response wrong = api.withToken("not-accepted").get("/v2/volumes");
    assertMessage(wrong, 401, "Unable to authenticate you");
    assertThat(wrong.json().getString("id")).isEqualTo("unauthorized");
    assertThat(fake.contractViolations()).isEmpty();

    assertThat(api.withToken(null).get("/v2/volumes").status()).isEqualTo(401);
    assertThat(fake.contractViolations()).singleElement().asString().contains("Authorization: Bearer");
  }

  @Test
  void listsArePagedWithLinksBackToTheFake() {
    for (int i = 0; i < 5; i++) {
      createVolume("vol-" + i, "nyc1", 1);
    }
    JsonObject first = api.get("/v2/volumes?region=nyc1&per_page=2").json();
    assertThat(first.getJsonArray("volumes")).hasSize(2);
    assertThat(first.getJsonObject("meta").getInteger("total")).isEqualTo(5);
    JsonObject pages = first.getJsonObject("links").getJsonObject("pages");
    assertThat(pages.fieldNames()).containsExactlyInAnyOrder("next", "last");
    assertThat(pages.getString("last")).startsWith(fake.baseUrl() + "/v2/volumes?page=3").contains("per_page=2");

    String next = pages.getString("next").substring(fake.baseUrl().length());
    JsonObject middle = api.get(next).json();
    assertThat(middle.getJsonObject("links").getJsonObject("pages").fieldNames())
        .containsExactlyInAnyOrder("first", "prev", "next", "last");
    JsonObject last = api.get("/v2/volumes?region=nyc1&per_page=2&page=3").json();
    assertThat(last.getJsonArray("volumes")).hasSize(1);
    assertThat(last.getJsonObject("links").getJsonObject("pages").fieldNames()).containsExactlyInAnyOrder("first", "prev");
    assertThat(api.get("/v2/volumes").json().getJsonObject("links")).isEqualTo(new JsonObject());

    for (int i = 5; i < 25; i++) {
      createVolume("vol-" + i, "nyc1", 1);
    }
    assertThat(api.get("/v2/volumes").json().getJsonArray("volumes")).as("per_page defaults to 20").hasSize(20);
    assertThat(api.get("/v2/volumes?per_page=200").json().getJsonArray("volumes")).hasSize(25);
    assertThat(fake.contractViolations()).isEmpty();

    assertError(api.get("/v2/volumes?per_page=201"), 400, "bad_request");
    assertThat(fake.contractViolations()).singleElement().asString().contains("per_page");
  }

  @Test
  void everyReplyCarriesTheRateLimitHeadersOfItsToken() {
    long now = Instant.now().getEpochSecond();
    Response first = api.get("/v2/volumes");
    Response second = api.get("/v2/nothing-here");
    assertThat(second.status()).isEqualTo(404);
    assertThat(first.header("ratelimit-limit")).isEqualTo("5000");
    assertThat(first.header("ratelimit-remaining")).isEqualTo("4999");
    assertThat(second.header("ratelimit-remaining")).isEqualTo("4998");
    assertThat(Long.parseLong(first.header("ratelimit-reset"))).isBetween(now + 3590, now + 3610);
    Response stranger = api.withToken("stranger").get("/v2/volumes");
    assertThat(stranger.status()).isEqualTo(401);
    assertThat(stranger.header("ratelimit-remaining")).as("counted per token").isEqualTo("4999");
    assertThat(fake.contractViolations()).singleElement().asString().contains("/v2/nothing-here");
  }

  @Test
  void overTheHourlyOrTheMinuteLimitIsTooManyRequests() {
    fake.setRateLimits(2, 250);
    api.get("/v2/volumes");
    api.get("/v2/volumes");
    Response hourly = api.get("/v2/volumes");
    assertMessage(hourly, 429, "API rate limit exceeded.");
    assertThat(hourly.header("ratelimit-remaining")).isEqualTo("0");
    assertThat(hourly.header("retry-after")).isNull();

    fake.reset();
    fake.acceptToken(TOKEN).setRateLimits(5000, 2).setInFlightGrace(java.time.Duration.ZERO);
    api.get("/v2/volumes");
    api.get("/v2/volumes");
    Response burst = api.get("/v2/volumes");
    assertThat(burst.status()).isEqualTo(429);
    assertThat(Long.parseLong(burst.header("retry-after"))).isBetween(59L, 60L);
    assertThat(fake.earlyRetries()).isEmpty();
    api.get("/v2/volumes");
    assertThat(fake.earlyRetries()).singleElement().asString().contains("GET /v2/volumes");
  }

  @Test
  void injectedTooManyRequestsTellsWhenToComeBackAndEarlyRetriesAreListed() {
    fake.inject(1, RequestMatch.of("GET", "/v2/volumes"), Fault.tooManyRequests(Duration.ofSeconds(1)));
    Response refused = api.get("/v2/volumes");
    assertMessage(refused, 429, "API rate limit exceeded.");
    assertThat(refused.header("ratelimit-remaining")).isEqualTo("0");
    assertThat(refused.header("retry-after")).isEqualTo("1");
    long reset = Long.parseLong(refused.header("ratelimit-reset"));
    assertThat(reset).isGreaterThanOrEqualTo(Instant.now().getEpochSecond());
    RecordedRequest recorded = fake.requests().get(0);
    assertThat(recorded.status()).isEqualTo(429);
    assertThat(recorded.retryNotBefore()).isBetween(recorded.time().plusSeconds(1), Instant.ofEpochSecond(reset));

    api.withToken("someone-else").get("/v2/volumes");
    assertThat(fake.earlyRetries()).as("another token was not told to wait").isEmpty();
    assertThat(api.get("/v2/volumes").status()).as("one fault queued, one taken").isEqualTo(200);
    assertThat(fake.earlyRetries()).singleElement().asString().contains(TOKEN);

    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().getEpochSecond() >= reset);
    api.get("/v2/volumes");
    assertThat(fake.earlyRetries()).as("a retry after ratelimit-reset is in time").hasSize(1);
  }

  @Test
  void injectedErrorsAnswerOnlyTheMatchingRequestsAsOftenAsQueued() {
    RequestMatch create = RequestMatch.of("POST", "/v2/volumes");
    fake.inject(2, create, Fault.serverError());
    fake.inject(1, create, Fault.serviceUnavailable());
    fake.inject(1, create, Fault.duplicateName());
    fake.inject(1, create, Fault.capacityLimit());
    fake.inject(1, RequestMatch.any(), Fault.pendingEvent());
    assertThat(fake.pendingFaults()).isEqualTo(6);

    assertThat(api.get("/v2/volumes").status()).as("the first fault for any request").isEqualTo(422);
    assertError(api.post("/v2/volumes", volumeBody("x", "nyc1", 1)), 500, "server_error");
    assertError(api.post("/v2/volumes", volumeBody("x", "nyc1", 1)), 500, "server_error");
    assertError(api.post("/v2/volumes", volumeBody("x", "nyc1", 1)), 503, "service_unavailable");
    assertError(api.post("/v2/volumes", volumeBody("x", "nyc1", 1)), 409, "already_exists");
    Response capacity = api.post("/v2/volumes", volumeBody("x", "nyc1", 1));
    assertError(capacity, 403, "forbidden");
    assertThat(capacity.header("ratelimit-limit")).isEqualTo("5000");
    assertThat(api.post("/v2/volumes", volumeBody("x", "nyc1", 1)).status()).isEqualTo(201);
    assertThat(fake.pendingFaults()).isZero();
    assertThat(fake.volumes()).extracting(DoVolume::name).containsExactly("x");
    assertThat(fake.contractViolations()).isEmpty();
  }

  @Test
  void aDelayedReplyComesAfterTheDelay() {
    fake.inject(1, RequestMatch.of("GET", "/v2/volumes"), Fault.delay(Duration.ofMillis(400)));
    long started = System.nanoTime();
    assertThat(api.get("/v2/volumes").status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void actionsCanStayInProgressForSomePollsOrEndErrored() {
    String id = createVolume("slow", "nyc1", 10).getString("id");
    RequestMatch actions = RequestMatch.of("POST", "/v2/volumes/*/actions");
    fake.inject(1, actions, Fault.actionInProgressForPolls(2));
    long slow = api.post("/v2/volumes/" + id + "/actions", attach(DROPLET)).json().getJsonObject("action").getLong("id");
    assertThat(poll(id, slow).getString("status")).isEqualTo("in-progress");
    assertThat(poll(id, slow).getString("status")).isEqualTo("in-progress");
    assertThat(poll(id, slow).getString("status")).isEqualTo("completed");

    fake.inject(1, actions, Fault.actionErrored());
    long failed = api.post("/v2/volumes/" + id + "/actions", resize(50)).json().getJsonObject("action").getLong("id");
    JsonObject errored = poll(id, failed);
    assertThat(errored.getString("status")).isEqualTo("errored");
    assertThat(errored.getString("completed_at")).isNotNull();
    assertThat(volume(id).getLong("size_gigabytes")).as("an errored resize changes nothing").isEqualTo(10);
    assertThat(fake.contractViolations()).isEmpty();
  }

  @Test
  void invalidRequestsAreAnsweredAsDigitalOceanWouldAndReportedAsViolations() {
    Response noSize = api.post("/v2/volumes", new JsonObject().put("name", "n").put("region", "nyc1"));
    assertError(noSize, 422, "unprocessable_entity");
    assertThat(fake.contractViolations()).singleElement().asString()
        .startsWith("request POST /v2/volumes (volumes_create)").contains("size_gigabytes");

    assertError(api.get("/v2/volumes/not-a-uuid"), 400, "bad_request");
    assertError(api.post("/v2/volumes", new JsonObject().put("name", "n").put("region", "mars1")
        .put("size_gigabytes", 1)), 422, "unprocessable_entity");
    assertThat(api.send("POST", "/v2/volumes", "{not json", "application/json").status()).isEqualTo(400);
    assertThat(fake.contractViolations()).hasSize(4);
    assertThat(fake.volumes()).isEmpty();
  }

  @Test
  void aReplyThatBreaksTheContractIsRecordedButARealWorldErrorIsNot() throws Exception {
    ContractCheck check = result(ContractCheck.load(vertx));
    Reply drifted = Reply.json(200, new JsonObject().put("volume", new JsonObject().put("id", 5)));
    result(check.checkReply(drifted, "GET", "/v2/volumes/x", "volumes_get"));
    assertThat(check.violations()).singleElement().asString()
        .startsWith("reply 200 to GET /v2/volumes/x (volumes_get)").contains("/volume/id");

    result(check.checkReply(ApiError.NAME_TAKEN.toReply(), "POST", "/v2/volumes", "volumes_create"));
    result(check.checkReply(ApiError.PENDING_EVENT.toReply(), "POST", "/v2/volumes/x/actions", "volumeActions_post_byId"));
    assertThat(check.violations()).hasSize(1);
  }

  @Test
  void inspectionGivesCopiesAndResetForgetsEverything() {
    String id = createVolume("kept", "nyc1", 10).getString("id");
    api.post("/v2/volumes/" + id + "/snapshots", new JsonObject().put("name", "snap"));
    List<DoVolume> volumes = fake.volumes();
    assertThat(volumes).singleElement().satisfies(v -> {
      assertThat(v.id()).isEqualTo(id);
      assertThat(v.sizeGigabytes()).isEqualTo(10);
    });
    assertThat(fake.snapshots()).singleElement().satisfies(s -> assertThat(s.tags()).isNull());
    assertThat(fake.requests()).extracting(RecordedRequest::operation)
        .containsExactly("volumes_create", "volumeSnapshots_create");
    assertThat(fake.requests().get(0).token()).isEqualTo(TOKEN);
    assertThat(fake.requests().get(0).body()).contains("\"kept\"");

    fake.reset();
    assertThat(fake.volumes()).isEmpty();
    assertThat(fake.snapshots()).isEmpty();
    assertThat(fake.requests()).isEmpty();
    assertThat(api.get("/v2/volumes").status()).as("tokens are forgotten too").isEqualTo(401);
  }

  private JsonObject createVolume(String name, String region, long size) {
    Response created = api.post("/v2/volumes", volumeBody(name, region, size));
    assertThat(created.status()).as("create %s: %s", name, created).isEqualTo(201);
    return created.json().getJsonObject("volume");
  }

  /** The body godo sends: empty strings and null for what is not set. */
  private static JsonObject volumeBody(String name, String region, long size) {
    return new JsonObject().put("name", name).put("region", region).put("size_gigabytes", size)
        .put("description", "").put("snapshot_id", "").put("filesystem_type", "ext4").put("filesystem_label", "")
        .putNull("tags");
  }

  private JsonObject volume(String id) {
    return api.get("/v2/volumes/" + id).json().getJsonObject("volume");
  }

  private JsonObject poll(String volumeId, long actionId) {
    return api.get("/v2/volumes/" + volumeId + "/actions/" + actionId).json().getJsonObject("action");
  }

  private static JsonObject attach(long droplet) {
    return new JsonObject().put("type", "attach").put("droplet_id", droplet).put("region", "nyc1");
  }

  private static JsonObject detach(long droplet) {
    return new JsonObject().put("type", "detach").put("droplet_id", droplet).put("region", "nyc1");
  }

  private static JsonObject resize(long gigabytes) {
    return new JsonObject().put("type", "resize").put("size_gigabytes", gigabytes).put("region", "nyc1");
  }

  private static void assertError(Response response, int status, String id) {
    assertThat(response.status()).as("%s", response).isEqualTo(status);
    JsonObject body = response.json();
    assertThat(body.getString("id")).isEqualTo(id);
    assertThat(body.getString("message")).isNotBlank();
    assertThat(body.getString("request_id")).isNotBlank();
    assertThat(response.header("ratelimit-remaining")).isNotNull();
  }

  private static void assertMessage(Response response, int status, String message) {
    assertThat(response.status()).as("%s", response).isEqualTo(status);
    assertThat(response.json().getString("message")).isEqualTo(message);
  }
}
