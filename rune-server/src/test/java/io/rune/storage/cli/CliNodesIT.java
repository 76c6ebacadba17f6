package io.rune.storage.cli;

import static io.rune.storage.cli.CliIT.cells;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code rune node list|get} as a user runs it, against a server whose nodes table holds
 * three nodes written as the heartbeat writes them: a Ready one holding seven shards, a
 * NotReady one holding none, a Ready one holding one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliNodesIT {
  private TestServer server;
  private RuneProcess rune;

  @BeforeAll
  void start() {
    server = TestServer.external("cli-nodes");
    rune = RuneProcess.as(TestServer.tempDir("cli-nodes-home"),
        Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
    server.sql("INSERT INTO nodes (name, labels, address, version, started_at, heartbeat_at) VALUES"
        + " ('alpha', $1::jsonb, 'http://127.0.0.1:7861', '1.4.0', now() - interval '2 hours 10 minutes',"
        + "  now() - interval '1 second'),"
        + " ('beta', '{}', 'http://127.0.0.1:7862', '1.4.0', now() - interval '3 minutes',"
        + "  now() - interval '1 minute'),"
        + " ('gamma', '{}', 'http://127.0.0.1:7863', '1.4.0', now() - interval '5 days', now())",
        new JsonObject().put("rune.io/zone", "a").put("disk", "ssd"));
    // Held for an hour: a lease holder of the server itself cannot take them during the test.
    server.sql("UPDATE leases SET holder = 'alpha', epoch = 2, expires_at = now() + interval '1 hour'"
        + " WHERE shard IN (0, 1, 2, 3, 4, 5, 9)");
    server.sql("UPDATE leases SET holder = 'gamma', epoch = 4, expires_at = now() + interval '1 hour'"
        + " WHERE shard = 12");
  }

  /**
   * Ready means a heartbeat within the lease duration: the fake nodes beat before each test
   * as a live node would, or a slow test run turns alpha and gamma NotReady halfway through.
   */
  @BeforeEach
  void beat() {
    server.sql("UPDATE nodes SET heartbeat_at = now() - interval '1 second' WHERE name = 'alpha'");
    server.sql("UPDATE nodes SET heartbeat_at = now() WHERE name = 'gamma'");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theTableShowsEachNodesStatusLabelsShardCountAndAge() {
    List<String> table = rune.run("node", "list").ok().lines();
    assertThat(cells(table.get(0))).containsExactly("NAME", "STATUS", "LABELS", "HOLDS", "AGE");
    assertThat(row(table, "alpha")).containsExactly("alpha", "Ready", "disk=ssd,rune.io/zone=a", "7 shards", "2h");
    assertThat(row(table, "beta")).hasSize(5).startsWith("beta", "NotReady", "<none>", "0 shards");
    assertThat(row(table, "beta").get(4)).matches("[34]m");
    assertThat(row(table, "gamma")).containsExactly("gamma", "Ready", "<none>", "1 shard", "5d");
    assertThat(table.subList(1, table.size())).extracting(line -> cells(line).get(0)).as("ordered by name").isSorted();

    List<String> wide = rune.run("node", "ls", "-o", "wide").ok().lines();
    assertThat(cells(wide.get(0))).containsExactly("NAME", "STATUS", "LABELS", "HOLDS", "AGE", "ADDRESS", "VERSION",
        "HEARTBEAT", "SHARDS");
    assertThat(row(wide, "alpha")).hasSize(9).endsWith("0-5,9").contains("http://127.0.0.1:7861", "1.4.0");
    assertThat(row(wide, "alpha").get(7)).as("the heartbeat was written a second before the test began").matches("[0-9]+s ago");
    assertThat(row(wide, "beta")).endsWith("<none>");
    assertThat(row(wide, "beta").get(7)).matches("1m ago");
  }

  @Test
  void jsonAndYamlAreTheServersNodeListAndASelectorAndNamesNarrowIt() throws IOException {
    JsonObject json = rune.run("node", "list", "-o", "json").ok().json();
    JsonObject served = server.admin().get("/api/v1/nodes").json();
    assertThat(json.getString("kind")).isEqualTo("NodeList");
    assertThat(withoutAges(json)).isEqualTo(withoutAges(served));
    assertThat(json.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("name")).toList())
        .containsExactly("alpha", "beta", "gamma", "test-node");

    String yaml = rune.run("node", "get", "alpha", "-o", "yaml").ok().stdout();
    JsonObject alpha = new JsonObject(new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class));
    assertThat(alpha.getString("status")).isEqualTo("Ready");
    assertThat(alpha.getJsonArray("shards").getList()).containsExactly(0, 1, 2, 3, 4, 5, 9);

    assertThat(rune.run("node", "list", "-l", "rune.io/zone=a", "-o", "name").ok().lines())
        .containsExactly("node/alpha");
  }

  @Test
  void aReadonlyTokenListsAndAnUnknownNodeIsAnError() {
    Http readonly = server.client("readonly", "elsewhere");
    RuneProcess reader = rune.withEnv("RUNE_TOKEN", readonly.token());
    assertThat(reader.run("node", "get", "gamma").ok().lines())
        .satisfies(lines -> assertThat(cells(lines.get(1))).startsWith("gamma", "Ready"));

    RuneProcess.Result missing = reader.run("node", "get", "delta");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.stdout()).isEmpty();
    assertThat(missing.stderr()).isEqualTo("error: no node is named \"delta\"; rune node list shows the nodes\n");
  }

  private static List<String> row(List<String> table, String name) {
    return table.stream().map(CliIT::cells).filter(cells -> cells.get(0).equals(name)).findFirst().orElseThrow();
  }

  /** The list without what moves between two reads: the heartbeats' ages. */
  /**
   * The list without ages, and without the server's own node: its heartbeat and leases move
   * on between the CLI's read and the test's (the rows the test wrote stand still).
   */
  private static JsonObject withoutAges(JsonObject list) {
    JsonObject copy = list.copy();
    copy.put("items", new io.vertx.core.json.JsonArray(copy.getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(item -> !"test-node".equals(item.getString("name")))
        .peek(item -> item.remove("heartbeatAgeSeconds")).toList()));
    return copy;
  }
}
