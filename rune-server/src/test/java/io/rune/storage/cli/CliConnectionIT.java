package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Where rune finds its server and token (flags, environment, ~/.rune/config, the dev-mode
 * admin token file, first found wins) and what it says when that goes wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliConnectionIT {
  private TestServer server;
  private String closedServer;

  @BeforeAll
  void start() throws IOException {
    server = TestServer.external("cli_connection");
    try (ServerSocket socket = new ServerSocket(0)) {
      closedServer = "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theConfigFileGivesServerAndToken() throws IOException {
    RuneProcess rune = userWithConfig("server = \"%s\"\ntoken = \"%s\"\n".formatted(server.baseUrl(), server.adminToken()));
    assertThat(rune.run("sc", "list", "-o", "name").ok().lines()).contains("storageclass/local");
  }

  @Test
  void anUnknownKeyInTheConfigFileIsAnErrorNamingIt() throws IOException {
    RuneProcess rune = userWithConfig("sever = \"%s\"\n".formatted(server.baseUrl()));
    RuneProcess.Result result = rune.run("sc", "list");
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.stderr()).isEqualTo("error: " + rune.home().resolve(".rune/config")
        + ": unknown key 'sever'; the known keys are current-context, contexts, server, token\n");
  }

  @Test
  void aServerThatIsNotAUrlIsAnError() throws IOException {
    RuneProcess.Result result = userWithConfig("server = \"ftp://files\"\n").run("sc", "list");
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.stderr()).contains("'ftp://files'").contains("is not a URL like http://127.0.0.1:7861");
  }

  @Test
  void theDevModeAdminTokenFileIsTheLastResort() throws IOException {
    Path home = TestServer.tempDir("cli-token-file");
    Files.createDirectories(home.resolve(".rune"));
    Files.writeString(home.resolve(".rune/admin.token"), server.adminToken() + "\n");
    RuneProcess rune = RuneProcess.as(home, Map.of("RUNE_SERVER", server.baseUrl()));
    assertThat(rune.run("sc", "get", "local", "-o", "name").ok().stdout()).isEqualTo("storageclass/local\n");
  }

  @Test
  void withoutAnyTokenTheServersRefusalComesWithAHint() {
    RuneProcess rune = RuneProcess.as(TestServer.tempDir("cli-no-token"), Map.of("RUNE_SERVER", server.baseUrl()));
    RuneProcess.Result result = rune.run("vol", "list");
    assertThat(result.exit()).isEqualTo(1);
    String message = server.anonymous().get("/api/v1/namespaces/default/volumes")
        .json().getJsonObject("error").getString("message");
    assertThat(result.stderr()).startsWith("error: " + message + "\nno token was found: pass --token");
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheConfigFile() throws IOException {
    RuneProcess rune = userWithConfig("server = \"%s\"\ntoken = \"%s\"\n".formatted(closedServer, server.adminToken()));
    // server from the environment, token from the file
    RuneProcess envServer = rune.withEnv("RUNE_SERVER", server.baseUrl());
    assertThat(envServer.run("sc", "list", "-o", "name").ok().lines()).contains("storageclass/local");
    // the environment's token wins over the file's
    RuneProcess.Result badEnvToken = envServer.withEnv("RUNE_TOKEN", "rune_not-a-token").run("sc", "list");
    assertThat(badEnvToken.exit()).isEqualTo(1);
    assertThat(badEnvToken.stderr()).contains("the token from RUNE_TOKEN was not accepted");
    // and flags win over both
    assertThat(envServer.withEnv("RUNE_TOKEN", "rune_not-a-token")
        .run("sc", "list", "-o", "name", "--token", server.adminToken()).ok().lines()).contains("storageclass/local");
    assertThat(rune.withEnv("RUNE_SERVER", closedServer)
        .run("--server", server.baseUrl(), "sc", "list", "-o", "name").ok().lines()).contains("storageclass/local");
  }

  @Test
  void anUnreachableServerIsNamed() {
    RuneProcess rune = RuneProcess.as(TestServer.tempDir("cli-unreachable"),
        Map.of("RUNE_TOKEN", server.adminToken()));
    RuneProcess.Result result = rune.run("vol", "list", "--server", closedServer);
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).startsWith("error: cannot reach the Rune server at " + closedServer + ": ")
        .hasLineCount(1);
  }

  private static RuneProcess userWithConfig(String config) throws IOException {
    Path home = TestServer.tempDir("cli-config");
    Files.createDirectories(home.resolve(".rune"));
    Files.writeString(home.resolve(".rune/config"), config);
    return RuneProcess.as(home, Map.of());
  }
}
