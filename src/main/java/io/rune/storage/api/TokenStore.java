package io.rune.storage.api;

import io.rune.storage.store.ChangeFeed;
import io.rune.storage.store.StoreErrors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** API tokens in PostgreSQL. Only a SHA-256 hash of a token is ever stored. */
public final class TokenStore {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String DELETE = "WITH gone AS (DELETE FROM tokens WHERE id = $1 RETURNING id)"
      + " SELECT pg_notify('" + ChangeFeed.TOKENS_CHANNEL + "', id::text) FROM gone";

  private final Pool pool;

  public TokenStore(Pool pool) {
    this.pool = pool;
  }

  /** A new secret: "rune_" and 32 random bytes, URL-safe. */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "rune_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The principal of a secret, or null when no token has that hash. */
  public Future<Principal> find(String secret) {
    return pool.preparedQuery("SELECT id, role, namespaces FROM tokens WHERE token_hash = $1")
        .execute(Tuple.of(hash(secret)))
        .map(rows -> rows.size() == 0 ? null : principal(rows.iterator().next()))
        .recover(StoreErrors::translate);
  }

  public Future<Boolean> hasBootstrapToken() {
    return pool.query("SELECT 1 FROM tokens WHERE bootstrap").execute()
        .map(rows -> rows.size() > 0)
        .recover(StoreErrors::translate);
  }

  /** Records the first-boot admin token; false when another node recorded one first. */
  public Future<Boolean> insertBootstrap(String secret) {
    return pool.preparedQuery("""
            INSERT INTO tokens (id, token_hash, role, description, bootstrap)
            VALUES ($1, $2, 'admin', 'first-boot admin token', true)
            ON CONFLICT DO NOTHING""")
        .execute(Tuple.of(UUID.randomUUID(), hash(secret)))
        .map(rows -> rows.rowCount() == 1)
        .recover(StoreErrors::translate);
  }

  /** Creates a token; the returned JSON holds the secret, shown this once. */
  public Future<JsonObject> create(Role role, List<String> namespaces, String description) {
    String secret = newSecret();
    UUID id = UUID.randomUUID();
    return pool.preparedQuery("""
            INSERT INTO tokens (id, token_hash, role, namespaces, description)
            VALUES ($1, $2, $3, $4, $5) RETURNING id, role, namespaces, description, created_at""")
        .execute(Tuple.of(id, hash(secret), role.name(), namespaces.toArray(new String[0]), description))
        .map(rows -> describe(rows.iterator().next()).put("token", secret))
        .recover(StoreErrors::translate);
  }

  public Future<List<JsonObject>> list() {
    return pool.query("SELECT id, role, namespaces, description, created_at FROM tokens ORDER BY created_at, id")
        .execute()
        .map(rows -> {
          List<JsonObject> tokens = new ArrayList<>();
          for (Row row : rows) {
            tokens.add(describe(row));
          }
          return tokens;
        })
        .recover(StoreErrors::translate);
  }

  /** A token's description (never its secret), or null when no token has that id. */
  public Future<JsonObject> get(UUID id) {
    return pool.preparedQuery("SELECT id, role, namespaces, description, created_at FROM tokens WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : describe(rows.iterator().next()))
        .recover(StoreErrors::translate);
  }

  /**
   * Whether the token of a principal still exists. A principal that is no stored token (the
   * event bus's trusted caller) cannot be deleted, so it always exists.
   */
  public Future<Boolean> exists(String tokenId) {
    UUID id;
    try {
      id = UUID.fromString(tokenId);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(true);
    }
    return pool.preparedQuery("SELECT 1 FROM tokens WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() > 0)
        .recover(StoreErrors::translate);
  }

  /**
   * True when a token was removed. The same statement notifies every node listening on the
   * database (delivered when it commits), so each closes the token's watches.
   */
  public Future<Boolean> delete(UUID id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(id))
        .map(rows -> rows.size() == 1)
        .recover(StoreErrors::translate);
  }

  private static Principal principal(Row row) {
    return new Principal(row.getUUID("id").toString(), Role.valueOf(row.getString("role")),
        Set.of(row.getArrayOfStrings("namespaces")));
  }

  private static JsonObject describe(Row row) {
    return new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("role", row.getString("role"))
        .put("namespaces", new JsonArray(List.of((Object[]) row.getArrayOfStrings("namespaces"))))
        .put("description", row.getString("description"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString());
  }
}
