package io.rune.storage.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which server to talk to and which token to show it. Each is taken from the first place
 * that has it: the flag, the environment (RUNE_SERVER, RUNE_TOKEN), ~/.rune/config, and for
 * the token finally ~/.rune/admin.token, the file {@code runed --dev-mode} writes.
 *
 * @param server the server's base URL, without a trailing slash
 * @param token the bearer token, or null when none was found
 * @param tokenSource where the token came from, for messages ("RUNE_TOKEN", a file path)
 */
record ConnectionSettings(URI server, String token, String tokenSource) {
  static final String DEFAULT_SERVER = "http://127.0.0.1:7861";
  static final String SERVER_ENV = "RUNE_SERVER";
  static final String TOKEN_ENV = "RUNE_TOKEN";

  static ConnectionSettings resolve(String serverFlag, String tokenFlag, Map<String, String> env, Path home) {
    Path configPath = ClientConfigFile.defaultPath(home);
    ClientConfigFile config = null;

    String server;
    String serverSource;
    if (present(serverFlag)) {
      server = serverFlag;
      serverSource = "--server";
    } else if (present(env.get(SERVER_ENV))) {
      server = env.get(SERVER_ENV);
      serverSource = SERVER_ENV;
    } else {
      config = ClientConfigFile.read(configPath);
      server = config.server() != null ? config.server() : DEFAULT_SERVER;
      serverSource = config.server() != null ? configPath.toString() : "the default";
    }

    String token;
    String tokenSource;
    if (present(tokenFlag)) {
      token = tokenFlag.trim();
      tokenSource = "--token";
    } else if (present(env.get(TOKEN_ENV))) {
      token = env.get(TOKEN_ENV).trim();
      tokenSource = TOKEN_ENV;
    } else {
      config = config != null ? config : ClientConfigFile.read(configPath);
      if (config.token() != null) {
        token = config.token();
        tokenSource = configPath.toString();
      } else {
        Path adminTokenFile = home.resolve(".rune").resolve("admin.token");
        token = readTokenFile(adminTokenFile);
        tokenSource = token == null ? null : adminTokenFile.toString();
      }
    }
    return new ConnectionSettings(parseServer(server, serverSource), token, tokenSource);
  }

  /** Accepts {@code http(s)://host[:port]} and, for convenience, {@code host:port}. */
  static URI parseServer(String value, String source) {
    String text = value.trim();
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new CliException("the server address '" + value + "' (from " + source
          + ") is not a URL like " + DEFAULT_SERVER);
    }
    return uri;
  }

  private static String readTokenFile(Path file) {
    try {
      String token = Files.readString(file).trim();
      return token.isEmpty() ? null : token;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new CliException("cannot read the admin token file " + file + ": " + e.getMessage());
    }
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
