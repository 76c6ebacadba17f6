package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rune cast -f FILE}: create or update every document of a YAML file in one
 * transaction (POST /apply): all of them, or, when one is refused, none.
 */
@Command(name = "cast", description = "Create or update everything a YAML file describes (documents separated"
    + " by ---, each with one top-level key naming its kind); all or nothing.")
final class CastCommand implements Callable<Integer> {
  @ParentCommand
  RuneCli rune;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "The YAML file, or - for standard input.")
  String file;

  @Mixin
  CommonOptions.ChangeOutput output;

  @Override
  public Integer call() {
    JsonNode applied = rune.client().post("/apply", read(file), "application/yaml");
    if (output.format.tabular()) {
      for (JsonNode result : applied.path("results")) {
        rune.out().println(result.path("kind").asText().toLowerCase(Locale.ROOT) + "/"
            + result.path("name").asText() + " " + result.path("action").asText());
      }
      rune.out().flush();
    } else if (output.format == OutputFormat.name) {
      applied.path("results").forEach(result -> rune.out().println(
          result.path("kind").asText().toLowerCase(Locale.ROOT) + "/" + result.path("name").asText()));
      rune.out().flush();
    } else {
      rune.printer().document(applied, output.format);
    }
    return 0;
  }

  private static byte[] read(String file) {
    try {
      return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read " + file + ": there is no such file");
    } catch (AccessDeniedException e) {
      throw new CliException("cannot read " + file + ": permission denied");
    } catch (IOException e) {
      throw new CliException("cannot read " + (file.equals("-") ? "standard input" : file) + ": " + e.getMessage());
    }
  }
}
