package io.rune.storage.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which server to talk to and which token to show it. Each is taken from the first place
 * that has it: the flag, the environment (RUNE_SERVER, RUNE_TOKEN), the context of
 * ~/.rune/config (the one --context names, else the current one; for the token its
 * {@code token}, then its {@code token-file}), and for the token finally
 * ~/.rune/admin.token, the file {@code runed --dev-mode} writes.
 *
 * @param server the server's base URL, without a trailing slash
 * @param token the bearer token, or null when none was found
 * @param tokenSource where the token came from, for messages ("RUNE_TOKEN", a file path)
 */
record ConnectionSettings(URI server, String token, String tokenSource) {
  static final String DEFAULT_SERVER = "http://127.0.0.1:7861";
  static final String SERVER_ENV = "RUNE_SERVER";
  static final String TOKEN_ENV = "RUNE_TOKEN";

  /**
   * @param contextFlag the context --context names, or null for the file's current context
   */
  static ConnectionSettings resolve(String serverFlag, String tokenFlag, String contextFlag, Map<String, String> env,
      Path home) {
    Path configPath = ClientConfigFile.defaultPath(home);
    Source context = null;

    String server;
    String serverSource;
    if (present(serverFlag)) {
      server = serverFlag;
      serverSource = "--server";
    } else if (present(env.get(SERVER_ENV))) {
      server = env.get(SERVER_ENV);
      serverSource = SERVER_ENV;
    } else {
      context = context(configPath, contextFlag);
      server = context.context().server() != null ? context.context().server() : DEFAULT_SERVER;
      serverSource = context.context().server() != null ? context.where() : "the default";
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
      context = context != null ? context : context(configPath, contextFlag);
      if (context.context().token() != null) {
        token = context.context().token();
        tokenSource = context.where();
      } else if (context.context().tokenFile() != null) {
        // A relative path (written by hand) is relative to the config file's directory, as in a kubeconfig.
        Path tokenFile = configPath.toAbsolutePath().getParent().resolve(context.context().tokenFile());
        token = readTokenFile(tokenFile, true);
        tokenSource = tokenFile.toString() + " (" + context.where() + ")";
      } else {
        Path adminTokenFile = home.resolve(".rune").resolve("admin.token");
        token = readTokenFile(adminTokenFile, false);
        tokenSource = token == null ? null : adminTokenFile.toString();
      }
    }
    return new ConnectionSettings(parseServer(server, serverSource), token, tokenSource);
  }

  /** A context and where it was found, for messages: "context prod of ~/.rune/config". */
  private record Source(ClientConfigFile.Context context, String where) {}

  /** The context --context names, else the file's current one, else an empty one. */
  private static Source context(Path configPath, String contextFlag) {
    ClientConfigFile config = ClientConfigFile.read(configPath);
    String name = present(contextFlag) ? contextFlag : config.currentContext();
    ClientConfigFile.Context context = config.context(name);
    if (context == null && present(contextFlag)) {
      throw new CliException("there is no context '" + contextFlag + "' in " + configPath,
          "rune config get-contexts lists them; rune config set-context " + contextFlag + " --server URL makes it");
    }
    return new Source(context == null ? ClientConfigFile.Context.EMPTY : context,
        config.migrated() ? configPath.toString() : "context " + name + " of " + configPath);
  }

  /** The namespace of the context --context names (else of the current one), or null when it sets none. */
  static String contextNamespace(String contextFlag, Path home) {
    return context(ClientConfigFile.defaultPath(home), contextFlag).context().namespace();
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

  /** @param required whether a missing file is an error (a context's token-file) or means no token (admin.token) */
  private static String readTokenFile(Path file, boolean required) {
    try {
      String token = Files.readString(file).trim();
      return token.isEmpty() ? null : token;
    } catch (NoSuchFileException e) {
      if (required) {
        throw new CliException("the token file " + file + " does not exist");
      }
      return null;
    } catch (IOException e) {
      throw new CliException("cannot read the token file " + file + ": " + e.getMessage());
    }
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
