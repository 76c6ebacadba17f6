package io.rune.storage.api;

import io.rune.storage.store.BoundedPool;
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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

  /** The columns {@link #describe} shows. */
  private static final String DESCRIBED = "id, role, namespaces, description, created_at, expires_at";

  private final Pool pool;
  /** The pool's view for statements that only read (no transaction of their own). */
  private final Pool reads;

  public TokenStore(BoundedPool pool) {
    this.pool = pool;
    this.reads = pool.reads();
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

  /**
   * A token as the database sees it now: its principal (null when no token matches) and the
   * time it has left by the database's clock (null when it never expires, zero or less once
   * it has expired). Every node reads expiry this way, so they agree on it whatever their
   * own clocks say.
   */
  public record Lookup(Principal principal, Duration left) {
    static final Lookup NONE = new Lookup(null, null);

    public boolean found() {
      return principal != null;
    }

    public boolean expired() {
      return left != null && (left.isZero() || left.isNegative());
    }
  }

  /** The token whose secret this is. */
  public Future<Lookup> find(String secret) {
    return lookup("token_hash = $1", hash(secret));
  }

  /**
   * The token of a principal, as it is now. A principal that is no stored token (the event
   * bus's trusted caller) can be neither deleted nor expired: it is found, for ever.
   */
  public Future<Lookup> find(Principal principal) {
    UUID id;
    try {
      id = UUID.fromString(principal.tokenId());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new Lookup(principal, null));
    }
    return lookup("id = $1", id);
  }

  private Future<Lookup> lookup(String where, Object key) {
    return reads.preparedQuery("SELECT id, role, namespaces, expires_at,"
            + " (extract(epoch FROM expires_at - now()) * 1000000)::bigint AS micros_left FROM tokens WHERE " + where)
        .execute(Tuple.of(key))
        .map(rows -> {
          if (rows.size() == 0) {
            return Lookup.NONE;
          }
          Row row = rows.iterator().next();
          Long micros = row.getLong("micros_left");
          return new Lookup(principal(row), micros == null ? null : Duration.ofNanos(micros * 1000));
        })
        .recover(StoreErrors::translate);
  }

  /** The database's clock, which alone decides when tokens expire. */
  public Future<Instant> now() {
    return reads.query("SELECT now()").execute()
        .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant())
        .recover(StoreErrors::translate);
  }

  public Future<Boolean> hasBootstrapToken() {
    return reads.query("SELECT 1 FROM tokens WHERE bootstrap").execute()
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

  /** Creates a token (expiring at {@code expiresAt}, or never when null); the returned JSON holds the secret, shown this once. */
  public Future<JsonObject> create(Role role, List<String> namespaces, String description, Instant expiresAt) {
    String secret = newSecret();
    UUID id = UUID.randomUUID();
    return pool.preparedQuery("""
            INSERT INTO tokens (id, token_hash, role, namespaces, description, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING\s""" + DESCRIBED)
        .execute(Tuple.of(id, hash(secret), role.name(), namespaces.toArray(new String[0]), description,
            expiresAt == null ? null : expiresAt.atOffset(ZoneOffset.UTC)))
        .map(rows -> describe(rows.iterator().next()).put("token", secret))
        .recover(StoreErrors::translate);
  }

  public Future<List<JsonObject>> list() {
    return reads.query("SELECT " + DESCRIBED + " FROM tokens ORDER BY created_at, id")
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
    return reads.preparedQuery("SELECT " + DESCRIBED + " FROM tokens WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : describe(rows.iterator().next()))
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
        Set.of(row.getArrayOfStrings("namespaces")), instant(row.getOffsetDateTime("expires_at")));
  }

  private static JsonObject describe(Row row) {
    Instant expiresAt = instant(row.getOffsetDateTime("expires_at"));
    return new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("role", row.getString("role"))
        .put("namespaces", new JsonArray(List.of((Object[]) row.getArrayOfStrings("namespaces"))))
        .put("description", row.getString("description"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("expiresAt", expiresAt == null ? null : expiresAt.toString());
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
