package io.rune.storage.api;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.cluster.ClusteredVertx;
import io.rune.storage.config.RuneConfig.Cluster;
import io.rune.storage.testing.RunedProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageOrigin}, the one use of a Vert.x internal: on real clustered buses (two
 * Hazelcast members in this JVM), a message from the other member is from the wire, one sent
 * on the member itself is not, whatever headers it carries; a plain bus has only local ones.
 */
class MessageOriginIT {

  @Test
  void aMessageFromAnotherMemberIsToldApartFromALocalOne() throws Exception {
    int portA = RunedProcess.freePort();
    int portB = RunedProcess.freePort();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    Future<Vertx> startA = ClusteredVertx.start(Vertx.builder(), new VertxOptions(), cluster(portA, members));
    Future<Vertx> startB = ClusteredVertx.start(Vertx.builder(), new VertxOptions(), cluster(portB, members));
    await(Future.join(startA, startB));
    Vertx a = startA.result();
    Vertx b = startB.result();
    Vertx plain = Vertx.vertx();
    try {
      await(a.eventBus().<String>consumer("test.origin",
          message -> message.reply(MessageOrigin.fromAnotherMember(message))).completion());
      await(plain.eventBus().<String>consumer("test.origin",
          message -> message.reply(MessageOrigin.fromAnotherMember(message))).completion());
      // b learns of a's consumer through Hazelcast, a moment after its registration completes.
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> await(b.eventBus().request("test.origin", "hello")).body() != null);

      assertThat(await(b.eventBus().request("test.origin", "from b")).body()).isEqualTo(true);
      assertThat(await(a.eventBus().request("test.origin", "from a")).body()).isEqualTo(false);
      assertThat(await(plain.eventBus().request("test.origin", "plain")).body()).isEqualTo(false);
      assertThat(await(b.eventBus().request("test.origin", "pretending",
          new DeliveryOptions().addHeader("fromWire", "false").setLocalOnly(false))).body())
          .as("headers cannot make a remote message local").isEqualTo(true);
    } finally {
      await(Future.join(a.close(), b.close(), plain.close()));
    }
  }

  private static Cluster cluster(int port, List<String> members) {
    return new Cluster(true, "127.0.0.1", port, 0, members, Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofSeconds(2), true, null);
  }
}
