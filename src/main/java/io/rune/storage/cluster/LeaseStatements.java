package io.rune.storage.cluster;

/**
 * The SQL of shard leases. Every time in it is the database's ({@code now()}), the one clock
 * all nodes share; durations travel as milliseconds. A lease is matched by holder and epoch
 * together, so a node never renews or releases a lease that changed hands since it took it.
 */
final class LeaseStatements {
  private LeaseStatements() {}

  /** $1 holder, $2 lease duration in ms, $3 shards held, $4 their epochs (same order). */
  static final String RENEW = """
      UPDATE leases l SET renewed_at = now(), expires_at = now() + $2 * interval '1 millisecond'
        FROM unnest($3::int[], $4::bigint[]) AS held(shard, epoch)
       WHERE l.shard = held.shard AND l.epoch = held.epoch AND l.holder = $1 AND l.expires_at > now()
      RETURNING l.shard, l.epoch""";

  /**
   * How the cluster looks from here: $1 holder, $2 lease duration in ms (a node whose
   * heartbeat is younger is Ready). {@code ready} counts this node whatever its row says;
   * {@code fewest} is what the Ready node holding least holds (null when alone);
   * {@code next_expiry_ms} is how long until another node's lease runs out (null when none).
   */
  static final String SURVEY = """
      WITH ready AS (SELECT name FROM nodes
                      WHERE heartbeat_at > now() - $2 * interval '1 millisecond' AND name <> $1)
      SELECT (SELECT count(*) FROM ready) + 1 AS ready,
             (SELECT min((SELECT count(*) FROM leases l WHERE l.holder = r.name AND l.expires_at > now()))
                FROM ready r) AS fewest,
             (SELECT (extract(epoch FROM min(expires_at) - now()) * 1000)::bigint FROM leases
               WHERE holder IS NOT NULL AND holder <> $1 AND expires_at > now()) AS next_expiry_ms""";

  /**
   * Takes at most $2 free shards: never held, released, expired, or held under this node's
   * name by a process before this one (taken back first); $3 the shards this process holds.
   * SKIP LOCKED: two nodes acquiring at once take different shards, never one twice. Every
   * acquisition grows the epoch, so writes fenced with an older one are refused.
   */
  static final String ACQUIRE = """
      WITH free AS (SELECT shard FROM leases
                     WHERE (holder IS NULL OR expires_at <= now() OR holder = $1) AND shard <> ALL($3::int[])
                     ORDER BY holder = $1 DESC NULLS LAST, shard
                     LIMIT $2 FOR UPDATE SKIP LOCKED)
      UPDATE leases l SET holder = $1, epoch = l.epoch + 1, acquired_at = now(), renewed_at = now(),
             expires_at = now() + $4 * interval '1 millisecond'
        FROM free WHERE l.shard = free.shard
      RETURNING l.shard, l.epoch""";

  /** Lets go of shards ($2, at epochs $3) at once: the next node to look takes them. $1 holder. */
  static final String RELEASE = """
      UPDATE leases l SET holder = NULL, expires_at = '-infinity'
        FROM unnest($2::int[], $3::bigint[]) AS held(shard, epoch)
       WHERE l.shard = held.shard AND l.epoch = held.epoch AND l.holder = $1
      RETURNING l.shard""";
}
