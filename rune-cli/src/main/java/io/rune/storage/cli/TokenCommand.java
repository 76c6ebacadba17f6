package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code rune token}: API tokens (admin only). */
@Command(name = "token", description = "Create API tokens (admin).")
final class TokenCommand {
  @ParentCommand
  RuneCli rune;

  /**
   * Prints the secret alone on stdout, so that {@code TOKEN=$(rune token create ...)} works,
   * and the reminder that it is shown once on stderr.
   */
  @Command(name = "create", description = "Create a token and print its secret, which is shown only this once.")
  void create(
      @Option(names = "--role", required = true, paramLabel = "ROLE",
          description = "admin, readwrite or readonly.") String role,
      @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
          description = "A namespace the token may use; repeat for more (default: all).") List<String> namespaces,
      @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for.") String description,
      @Option(names = "--expires-in", paramLabel = "DURATION",
          description = "Expire after this long, by the server's clock: e.g. 30m, 24h, 90d (default: never).")
      String expiresIn,
      @Option(names = "--expires-at", paramLabel = "TIME",
          description = "Expire at this RFC 3339 time, e.g. 2030-01-31T18:00:00Z (default: never).") String expiresAt,
      @Mixin CommonOptions.ChangeOutput output) {
    ObjectNode body = CliJson.MAPPER.createObjectNode().put("role", role);
    namespaces = namespaces == null ? List.of() : namespaces;
    namespaces.forEach(body.putArray("namespaces")::add);
    if (description != null) {
      body.put("description", description);
    }
    // Both given are sent as given: the server's refusal says which one to keep.
    if (expiresIn != null) {
      body.put("expiresIn", expiresIn);
    }
    if (expiresAt != null) {
      body.put("expiresAt", expiresAt);
    }
    JsonNode created = rune.client().post("/tokens", body);
    if (!output.format.tabular() && output.format != OutputFormat.name) {
      rune.printer().document(created, output.format);
      return;
    }
    rune.out().println(created.path("token").asText());
    rune.out().flush();
    PrintWriter err = rune.err();
    err.println("This token is shown only once: store it now. (id " + created.path("id").asText() + ", role "
        + created.path("role").asText() + ", namespaces: "
        + (namespaces.isEmpty() ? "all" : String.join(", ", namespaces)) + ", expires: "
        + (created.path("expiresAt").isTextual() ? created.path("expiresAt").asText() : "never") + ")");
    err.flush();
  }
}
