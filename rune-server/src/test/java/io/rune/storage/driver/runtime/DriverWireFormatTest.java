package io.rune.storage.driver.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.Progress;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.VolumeOwnership;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The driver calls on the event bus, as docs/EVENT-BUS.md writes them: every operation's request
 * and reply as literal JSON, checked from both ends (what RemoteDriver sends and reads, what
 * DriverVerticle reads and answers). Nodes of different builds talk through exactly this, so a
 * change to a field name fails here, whatever the code on either side looks like.
 */
class DriverWireFormatTest {
  private static final String NODE = "node-a";
  private static final String ADDRESS = DriverCatalog.address(WireDriver.NAME, true, NODE);

  private static final DriverContext CTX = new DriverContext(new JsonObject().put("name", "fast"),
      new JsonObject().put("namespace", "apps").put("name", "db"), Map.of("tier", "ssd"), NODE, Progress.NONE,
      Map.of("apiTokenSecretRef", "s3cr3t"));
  private static final String CTX_JSON = """
      {"storageClass": {"name": "fast"}, "volume": {"namespace": "apps", "name": "db"},
       "parameters": {"tier": "ssd"}, "node": "node-a", "progressAddress": null,
       "secrets": {"apiTokenSecretRef": "s3cr3t"}}""";

  private static final ProvisionRequest VOLUME = new ProvisionRequest("uid-1", "db", "apps", 3_221_225_472L,
      "ReadWriteOnce", Map.of("tier", "ssd"), Map.of("rune.io/node", NODE), Instant.parse("2030-01-02T03:04:05Z"));
  private static final String VOLUME_JSON = """
      {"uid": "uid-1", "name": "db", "namespace": "apps", "sizeBytes": 3221225472, "accessMode": "ReadWriteOnce",
       "parameters": {"tier": "ssd"}, "topology": {"rune.io/node": "node-a"}, "deadline": "2030-01-02T03:04:05Z"}""";
  private static final ProvisionRequest OWNED = new ProvisionRequest("uid-2", "web", "apps", 1_048_576L,
      "ReadWriteOnce", Map.of(), Map.of(), null, new VolumeOwnership(1234L, null, "0750"));
  private static final String OWNED_JSON = """
      {"uid": "uid-2", "name": "web", "namespace": "apps", "sizeBytes": 1048576, "accessMode": "ReadWriteOnce",
       "parameters": {}, "topology": {}, "deadline": null, "ownership": {"fsUser": 1234, "fsMode": "0750"}}""";
  private static final ProvisionedVolume PROVISIONED = new ProvisionedVolume("h-1", Map.of("rune.io/node", NODE));
  private static final String PROVISIONED_JSON = """
      {"handle": "h-1", "topology": {"rune.io/node": "node-a"}}""";

  /** One call: the StorageDriver method's arguments after the context, its result, and both as JSON. */
  record Case(String op, List<Object> args, String argsJson, Object result, String resultJson) {
    @Override
    public String toString() {
      return op;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("provision", List.of(VOLUME), VOLUME_JSON, PROVISIONED, PROVISIONED_JSON),
        new Case("find", List.of(VOLUME), VOLUME_JSON, "h-1", "\"h-1\""),
        new Case("delete", List.of("h-1"), "{\"handle\": \"h-1\"}", null, "null"),
        new Case("attach", List.of("h-1", "node-b"), "{\"handle\": \"h-1\", \"node\": \"node-b\"}",
            "/dev/vdb", "\"/dev/vdb\""),
        new Case("detach", List.of("h-1", "node-b"), "{\"handle\": \"h-1\", \"node\": \"node-b\"}", null, "null"),
        new Case("mount", List.of(new MountRequest("h-1", "node-b", "/dev/vdb", "/run/rune/db", true, "ext4")), """
            {"handle": "h-1", "node": "node-b", "device": "/dev/vdb", "target": "/run/rune/db",
             "readOnly": true, "fsType": "ext4"}""", "/run/rune/db/data", "\"/run/rune/db/data\""),
        new Case("unmount", List.of("/run/rune/db"), "{\"target\": \"/run/rune/db\"}", null, "null"),
        new Case("snapshot", List.of(new SnapshotRequest("h-1", "snap-uid", "nightly", "apps")), """
            {"volumeHandle": "h-1", "snapshotUid": "snap-uid", "snapshotName": "nightly", "namespace": "apps"}""",
            new MadeSnapshot("s-1", "reflink"), "{\"handle\": \"s-1\", \"method\": \"reflink\"}"),
        new Case("restore", List.of(new RestoreRequest("s-1", OWNED)),
            "{\"snapshotHandle\": \"s-1\", \"volume\": " + OWNED_JSON + "}", PROVISIONED, PROVISIONED_JSON),
        new Case("deleteSnapshot", List.of("s-1"), "{\"handle\": \"s-1\"}", null, "null"),
        new Case("expand", List.of("h-1", 6_442_450_944L), "{\"handle\": \"h-1\", \"sizeBytes\": 6442450944}",
            null, "null"),
        new Case("usage", List.of("h-1"), "{\"handle\": \"h-1\"}", new VolumeUsage(1024, 4096),
            "{\"usedBytes\": 1024, \"capacityBytes\": 4096}"));
  }

  private final Vertx vertx = Vertx.vertx();
  @TempDir
  Path tmp;

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void everyOperationOfTheProtocolHasACaseHere() {
    assertThat(cases().map(Case::op)).containsExactlyInAnyOrderElementsOf(DriverProtocol.names());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void remoteDriverSendsTheDocumentedRequestAndReadsTheDocumentedReply(Case call) throws Exception {
    AtomicReference<JsonObject> sent = new AtomicReference<>();
    vertx.eventBus().<JsonObject>consumer(ADDRESS, message -> {
      sent.set(message.body());
      message.reply(reply(call.resultJson()));
    }).completion().await(10, TimeUnit.SECONDS);

    Object result = done(invoke(remote(), call.op(), CTX, call.args()));

    assertThat(parsed(sent.get())).isEqualTo(new JsonObject().put("op", call.op())
        .put("ctx", new JsonObject(CTX_JSON)).put("args", new JsonObject(call.argsJson())));
    assertThat(result).isEqualTo(call.result());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void driverVerticleReadsTheDocumentedRequestAndAnswersTheDocumentedReply(Case call) throws Exception {
    WireDriver driver = deploy();
    driver.answers.put(call.op(), Future.succeededFuture(call.result()));

    Message<JsonObject> reply = vertx.eventBus().<JsonObject>request(ADDRESS, request(call.op(), call.argsJson()))
        .await(10, TimeUnit.SECONDS);

    assertThat(parsed(reply.body())).isEqualTo(reply(call.resultJson()));
    assertThat(driver.calls).extracting(WireDriver.Call::op, WireDriver.Call::args).containsExactly(
        tuple(call.op(), call.args()));
    DriverContext ctx = driver.calls.peek().ctx();
    assertThat(List.of(ctx.storageClass(), ctx.volume(), ctx.parameters(), ctx.node(), ctx.secrets()))
        .isEqualTo(List.of(CTX.storageClass(), CTX.volume(), CTX.parameters(), CTX.node(), CTX.secrets()));
    assertThat(ctx.progress()).isSameAs(Progress.NONE);
  }

  @Test
  void aDriverFailureIsAnswered500WithTheDriverExceptionJson() throws Exception {
    WireDriver driver = deploy();
    driver.answers.put("attach", Future.failedFuture(DriverException.objectFault(DriverError.PERMANENT,
        "PathBlocked", "/srv/db is a file, not a directory")));

    ReplyException refused = refusal(vertx.eventBus().request(ADDRESS, request("attach",
        "{\"handle\": \"h-1\", \"node\": \"node-b\"}")));

    assertThat(refused.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(refused.failureCode()).isEqualTo(500);
    assertThat(new JsonObject(refused.getMessage())).isEqualTo(new JsonObject("""
        {"error": "PERMANENT", "blame": "OBJECT", "message": "/srv/db is a file, not a directory",
         "reason": "PathBlocked"}"""));
  }

  @Test
  void anUnknownOperationIsAnswered500Unsupported() throws Exception {
    WireDriver driver = deploy();

    ReplyException refused = refusal(vertx.eventBus().request(ADDRESS, request("defragment", "{}")));

    assertThat(refused.failureCode()).isEqualTo(500);
    JsonObject error = new JsonObject(refused.getMessage());
    assertThat(error.getString("error")).isEqualTo("UNSUPPORTED");
    assertThat(error.getString("blame")).isEqualTo("OBJECT");
    assertThat(error.getString("message")).contains("'wire'").contains("'defragment'");
    assertThat(driver.calls).isEmpty();
  }

  @Test
  void remoteDriverReadsA500FailureAsTheDriverExceptionItCarries() throws Exception {
    vertx.eventBus().<JsonObject>consumer(ADDRESS, message -> message.fail(500, """
        {"error": "NOT_FOUND", "blame": "OBJECT", "message": "no volume h-1", "reason": "HandleGone"}"""))
        .completion().await(10, TimeUnit.SECONDS);

    Throwable failure = catchThrowable(() -> done(remote().usage(CTX, "h-1")));

    assertThat(failure).isInstanceOf(DriverException.class).hasMessage("no volume h-1");
    DriverException error = (DriverException) failure;
    assertThat(List.<Object>of(error.error(), error.blame(), error.reason()))
        .isEqualTo(List.of(DriverError.NOT_FOUND, DriverException.Blame.OBJECT, "HandleGone"));
  }

  @Test
  void remoteDriverTakesProgressReportsOnAnAddressOfTheCallsOwnThatIsGoneAfterIt() throws Exception {
    Queue<List<Long>> reports = new ConcurrentLinkedQueue<>();
    Promise<Void> reported = Promise.promise();
    AtomicReference<String> progressAddress = new AtomicReference<>();
    vertx.eventBus().<JsonObject>consumer(ADDRESS, message -> {
      String to = message.body().getJsonObject("ctx").getString("progressAddress");
      progressAddress.set(to);
      vertx.eventBus().send(to, new JsonObject().put("bytesDone", 5L).put("bytesTotal", 10L));
      // Answer once the report is in: a report after the answer has nobody to go to.
      reported.future().onComplete(v -> message.reply(reply("{\"handle\": \"s-1\", \"method\": \"copy\"}")));
    }).completion().await(10, TimeUnit.SECONDS);
    DriverContext withProgress = CTX.withProgress((done, total) -> {
      reports.add(List.of(done, total));
      reported.tryComplete();
    });

    MadeSnapshot made = done(remote().snapshot(withProgress, new SnapshotRequest("h-1", "snap-uid", "nightly",
        "apps")));

    assertThat(made).isEqualTo(new MadeSnapshot("s-1", "copy"));
    assertThat(reports).containsExactly(List.of(5L, 10L));
    assertThat(progressAddress.get()).startsWith("rune.driver.progress.");
    Throwable late = catchThrowable(() -> vertx.eventBus().request(progressAddress.get(), new JsonObject())
        .await(10, TimeUnit.SECONDS));
    assertThat(late).isInstanceOfSatisfying(ReplyException.class,
        e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
  }

  /** Before snapshots said how they were made, a node answered the bare handle. */
  @Test
  void aSnapshotAnsweredByANodeOfAnOlderBuildIsItsHandleWithNoMethod() throws Exception {
    vertx.eventBus().<JsonObject>consumer(ADDRESS, message -> message.reply(reply("\"s-1\"")))
        .completion().await(10, TimeUnit.SECONDS);

    MadeSnapshot made = done(remote().snapshot(CTX, new SnapshotRequest("h-1", "snap-uid", "nightly", "apps")));

    assertThat(made).isEqualTo(new MadeSnapshot("s-1", null));
  }

  @Test
  void driverVerticleSendsProgressReportsToTheAddressInTheContext() throws Exception {
    WireDriver driver = deploy();
    driver.answers.put("snapshot", Future.succeededFuture(new MadeSnapshot("s-1", "copy")));
    Queue<JsonObject> reports = new ConcurrentLinkedQueue<>();
    vertx.eventBus().<JsonObject>consumer("rune.driver.progress.test", message -> reports.add(message.body()))
        .completion().await(10, TimeUnit.SECONDS);
    JsonObject request = request("snapshot", """
        {"volumeHandle": "h-1", "snapshotUid": "snap-uid", "snapshotName": "nightly", "namespace": "apps"}""");
    request.getJsonObject("ctx").put("progressAddress", "rune.driver.progress.test");

    vertx.eventBus().request(ADDRESS, request).await(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> !reports.isEmpty());
    assertThat(reports).containsExactly(new JsonObject().put("bytesDone", 5L).put("bytesTotal", 10L));
  }

  private RemoteDriver remote() {
    return new RemoteDriver(vertx, new WireDriver(), NODE, Duration.ofSeconds(30));
  }

  private WireDriver deploy() throws Exception {
    WireDriver driver = new WireDriver();
    RuneConfig config = new RuneConfig(tmp.resolve("data"), "127.0.0.1", 0, NODE, false, null,
        new RuneConfig.Storage("local", tmp.resolve("volumes"), List.of(), false, false), null, null,
        new RuneConfig.Drivers(Duration.ofSeconds(30), 5, Duration.ofSeconds(10)));
    vertx.deployVerticle(new DriverVerticle(driver, config, new SimpleMeterRegistry())).await(10, TimeUnit.SECONDS);
    return driver;
  }

  /** A request as any build sends it: literal JSON, not made by this build's code. */
  private static JsonObject request(String op, String argsJson) {
    return new JsonObject().put("op", op).put("ctx", new JsonObject(CTX_JSON)).put("args", new JsonObject(argsJson));
  }

  private static JsonObject reply(String resultJson) {
    return new JsonObject("{\"result\": " + resultJson + "}");
  }

  /** As a clustered bus would carry it: numbers come back as the smallest type that holds them. */
  private static JsonObject parsed(JsonObject json) {
    return new JsonObject(json.encode());
  }

  private static Future<?> invoke(StorageDriver driver, String op, DriverContext ctx, List<Object> args)
      throws ReflectiveOperationException {
    Method method = Arrays.stream(StorageDriver.class.getMethods()).filter(m -> m.getName().equals(op))
        .findFirst().orElseThrow(() -> new AssertionError("StorageDriver has no method " + op));
    List<Object> all = new ArrayList<>();
    all.add(ctx);
    all.addAll(args);
    try {
      return (Future<?>) method.invoke(driver, all.toArray());
    } catch (InvocationTargetException e) {
      throw new AssertionError(op + " threw instead of returning a future", e.getCause());
    }
  }

  private static <T> T done(Future<T> future) throws Exception {
    return future.await(10, TimeUnit.SECONDS);
  }

  private static ReplyException refusal(Future<?> answer) {
    Throwable failure = catchThrowable(() -> answer.await(10, TimeUnit.SECONDS));
    assertThat(failure).isInstanceOf(ReplyException.class);
    return (ReplyException) failure;
  }
}
