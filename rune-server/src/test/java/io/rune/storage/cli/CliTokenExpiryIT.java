package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code rune token create --expires-in/--expires-at}, run as a real process against a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTokenExpiryIT {
  private TestServer server;
  private Http admin;
  private RuneProcess rune;

  @BeforeAll
  void start() {
    server = TestServer.external("cli-token-expiry");
    admin = server.admin();
    rune = RuneProcess.as(TestServer.tempDir("cli-token-expiry-home"),
        Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void expiresInAndExpiresAtSetTheExpiryTheServerShows() {
    Instant before = databaseNow();
    RuneProcess.Result in = rune.run("token", "create", "--role", "readonly", "--expires-in", "2h").ok();
    assertThat(in.lines()).hasSize(1);
    JsonObject listed = listed(in.stdout().trim());
    Instant expiresAt = Instant.parse(listed.getString("expiresAt"));
    assertThat(expiresAt).isBetween(before.plus(Duration.ofHours(2)), databaseNow().plus(Duration.ofHours(2)));
    assertThat(in.stderr()).contains("shown only once").contains("expires: " + expiresAt);

    String at = "2031-05-06T07:08:09Z";
    RuneProcess.Result atTime = rune.run("token", "create", "--role", "readonly", "--expires-at", at).ok();
    assertThat(listed(atTime.stdout().trim()).getString("expiresAt")).isEqualTo(at);
    assertThat(atTime.stderr()).contains("expires: " + at);

    RuneProcess.Result never = rune.run("token", "create", "--role", "readonly").ok();
    assertThat(never.stderr()).contains("expires: never");
  }

  @Test
  void refusedExpiriesSayWhyExit1AndStoreNothing() {
    String count = server.sqlValue("SELECT count(*) FROM tokens");
    RuneProcess.Result past = rune.run("token", "create", "--role", "readonly", "--expires-at", "2020-01-01T00:00:00Z");
    assertThat(past.exit()).isEqualTo(1);
    assertThat(past.stdout()).isEmpty();
    assertThat(past.stderr()).startsWith("error: expiresAt 2020-01-01T00:00:00Z is not in the future");

    RuneProcess.Result compound = rune.run("token", "create", "--role", "readonly", "--expires-in", "1h30m");
    assertThat(compound.exit()).isEqualTo(1);
    assertThat(compound.stderr()).startsWith("error: field 'expiresIn' must be a duration").contains("\"24h\"");

    RuneProcess.Result both = rune.run("token", "create", "--role", "readonly", "--expires-in", "1h",
        "--expires-at", "2031-01-01T00:00:00Z");
    assertThat(both.exit()).isEqualTo(1);
    assertThat(both.stderr()).contains("not both");
    assertThat(server.sqlValue("SELECT count(*) FROM tokens")).isEqualTo(count);
  }

  @Test
  void aShortLivedTokenWorksThenSaysItExpired() {
    String secret = rune.run("token", "create", "--role", "readonly", "--expires-in", "15s").ok().stdout().trim();
    String expiresAt = listed(secret).getString("expiresAt");
    assertThat(rune.run("vol", "list", "-n", "default", "--token", secret).exit()).isEqualTo(0);

    await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500)).until(() -> {
      RuneProcess.Result later = rune.run("vol", "list", "-n", "default", "--token", secret);
      return later.exit() == 1
          && later.stderr().startsWith("error: this token expired at " + expiresAt + "; ask an admin for a new one");
    });
  }

  /** The token whose secret this is, as GET /tokens lists it. */
  private JsonObject listed(String secret) {
    String id = server.sqlValue("SELECT id FROM tokens WHERE token_hash = '"
        + io.rune.storage.api.TokenStore.hash(secret) + "'");
    return admin.get("/api/v1/tokens").items().stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals(id)).findFirst().orElseThrow();
  }

  private Instant databaseNow() {
    return OffsetDateTime.parse(server.sqlValue("SELECT now()")).toInstant();
  }
}
