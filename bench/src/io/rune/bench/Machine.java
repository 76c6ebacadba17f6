package io.rune.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Facts about where the numbers were measured, in the order they are printed. */
final class Machine {
  private Machine() {}

  static Map<String, String> facts(Vertx vertx, String javaCommand, List<String> jvmOptions, int pgPort,
      String pgPassword) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Date", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
    facts.put("CPU", firstValue(Path.of("/proc/cpuinfo"), "model name") + ", nproc "
        + Runtime.getRuntime().availableProcessors());
    facts.put("Memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
    facts.put("Kernel", read(Path.of("/proc/sys/kernel/osrelease")));
    facts.put("Java", javaVersion(javaCommand));
    facts.put("runed JVM options", jvmOptions.isEmpty() ? "(none: JVM defaults)" : String.join(" ", jvmOptions));
    facts.put("PostgreSQL", postgres(vertx, pgPort, pgPassword));
    facts.put("Server revision", System.getProperty("bench.revision", "unknown"));
    return facts;
  }

  private static String postgres(Vertx vertx, int pgPort, String pgPassword) {
    SqlClient client = PgBuilder.client().connectingTo(RawCommitLoad.database(pgPort, pgPassword)).using(vertx).build();
    try {
      Row row = Await.result(client.query("SELECT current_setting('server_version'), current_setting('fsync'),"
          + " current_setting('synchronous_commit'), current_setting('shared_buffers')").execute(),
          Duration.ofSeconds(30), "asking PostgreSQL its settings").iterator().next();
      return row.getString(0) + " (embedded by runed; fsync " + row.getString(1) + ", synchronous_commit "
          + row.getString(2) + ", shared_buffers " + row.getString(3) + ")";
    } finally {
      Await.result(client.close(), Duration.ofSeconds(10), "closing the settings client");
    }
  }

  private static String javaVersion(String javaCommand) {
    try {
      Process java = new ProcessBuilder(javaCommand, "-version").redirectErrorStream(true).start();
      if (!java.waitFor(30, TimeUnit.SECONDS)) {
        java.destroyForcibly();
        return javaCommand + " (no answer to -version)";
      }
      return String.join("; ", new String(java.getInputStream().readAllBytes()).trim().split("\n"));
    } catch (IOException e) {
      return "unknown: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  static String firstValue(Path file, String key) {
    try {
      return Files.readAllLines(file).stream().filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
