package io.rune.storage.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@code runed}. Value flags are {@code null} when not given, so the
 * layers below (environment, runefile, built-in defaults) decide; flags are the top layer.
 *
 * @param configFile the runefile given with {@code --config}; null means: read no file
 * @param devMode {@code --dev-mode}: development defaults (see {@link RunefileLoader})
 * @param dataDir {@code --data-dir}
 * @param listen {@code --listen}, as HOST:PORT
 * @param node {@code --node}
 * @param help {@code --help} or {@code -h}: print {@link #usage()} and exit
 */
public record ServerFlags(
    String configFile, boolean devMode, String dataDir, String listen, String node, boolean help) {

  /** Flags that take a value, with the placeholder shown in messages. */
  private static final Map<String, String> VALUE_FLAGS = new LinkedHashMap<>();

  static {
    VALUE_FLAGS.put("--config", "FILE");
    VALUE_FLAGS.put("--data-dir", "DIR");
    VALUE_FLAGS.put("--listen", "HOST:PORT");
    VALUE_FLAGS.put("--node", "NAME");
  }

  private static final Set<String> SWITCHES = Set.of("--dev-mode", "--help", "-h");

  /** No flags at all: every setting comes from the lower layers. */
  public static ServerFlags none() {
    return new ServerFlags(null, false, null, null, null, false);
  }

  /**
   * Parses {@code --flag value} and {@code --flag=value}; a repeated flag keeps its last value.
   *
   * @throws ConfigException for an unknown flag, a missing value or a stray argument; the
   *     message ends with {@link #usage()}
   */
  public static ServerFlags parse(String... args) {
    Map<String, String> values = new HashMap<>();
    boolean devMode = false;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      String inline = name.equals(arg) ? null : arg.substring(eq + 1);
      if (SWITCHES.contains(name)) {
        if (inline != null) {
          throw usageError("flag " + name + " takes no value");
        }
        if (name.equals("--dev-mode")) {
          devMode = true;
        } else {
          help = true;
        }
      } else if (VALUE_FLAGS.containsKey(name)) {
        String value = inline;
        if (value == null) {
          // "--listen --dev-mode" is a forgotten value, not a listen address.
          if (i + 1 == args.length || args[i + 1].startsWith("--")) {
            throw usageError("flag " + name + " needs a value: " + synopsis(name));
          }
          value = args[++i];
        }
        if (value.isEmpty()) {
          throw usageError("flag " + name + " needs a non-empty value: " + synopsis(name));
        }
        values.put(name, value);
      } else if (arg.startsWith("-")) {
        throw usageError("unknown flag '" + name + "'");
      } else {
        throw usageError("unexpected argument '" + arg + "' (runed takes only flags)");
      }
    }
    return new ServerFlags(values.get("--config"), devMode, values.get("--data-dir"),
        values.get("--listen"), values.get("--node"), help);
  }

  /** The help text of {@code runed}. */
  public static String usage() {
    return """
        Usage: runed [flags]

        Flags:
          --config FILE       read the runefile (TOML) at FILE; without it no file is read
          --dev-mode          development defaults: data in ~/.rune, host paths allowed
                              under ~/.rune/volumes, missing host directories created
          --data-dir DIR      data directory (default /var/lib/rune; dev mode ~/.rune)
          --listen HOST:PORT  address of the API (default 127.0.0.1:7861; IPv6 as [::1]:7861)
          --node NAME         name of this node (default: the machine's hostname)
          -h, --help          print this help and exit

        Every flag also takes the --flag=value form. Flags win over environment variables
        (RUNE_*), which win over the runefile, which wins over the built-in defaults.
        """;
  }

  private static String synopsis(String flag) {
    return flag + " " + VALUE_FLAGS.get(flag);
  }

  private static ConfigException usageError(String problem) {
    return new ConfigException("runed: " + problem + "\n\n" + usage());
  }
}
