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
   * Takes free shards: never held, released, expired, or held under this node's name by a
   * process before this one (taken back first). At most $2 of them, this node's fair share,
   * and beyond that any shard that has stayed free for longer than $5 ms: a shard no node
   * wanted (a fair share that counts a Ready node taking nothing) never stays without a
   * holder. $3 the shards this process holds, $4 the lease duration in ms. SKIP LOCKED: two
   * nodes acquiring at once take different shards, never one twice. Every acquisition grows
   * the epoch, so writes fenced with an older one are refused.
   */
  static final String ACQUIRE = """
      WITH free AS (SELECT shard, holder = $1 AS mine,
                           greatest(expires_at, coalesce(renewed_at, '-infinity')) AS free_since
                      FROM leases
                     WHERE (holder IS NULL OR expires_at <= now() OR holder = $1) AND shard <> ALL($3::int[])
                     FOR UPDATE SKIP LOCKED),
           ranked AS (SELECT shard, free_since,
                             row_number() OVER (ORDER BY mine DESC NULLS LAST, shard) AS n FROM free),
           taken AS (SELECT shard FROM ranked
                      WHERE n <= $2 OR free_since < now() - $5 * interval '1 millisecond')
      UPDATE leases l SET holder = $1, epoch = l.epoch + 1, acquired_at = now(), renewed_at = now(),
             expires_at = now() + $4 * interval '1 millisecond'
        FROM taken WHERE l.shard = taken.shard
      RETURNING l.shard, l.epoch""";

  /**
   * Lets go of shards ($2, at epochs $3) at once: the next node to look takes them. $1 holder.
   * {@code renewed_at} then says since when the shard is free.
   */
  static final String RELEASE = """
      UPDATE leases l SET holder = NULL, expires_at = '-infinity', renewed_at = now()
        FROM unnest($2::int[], $3::bigint[]) AS held(shard, epoch)
       WHERE l.shard = held.shard AND l.epoch = held.epoch AND l.holder = $1
      RETURNING l.shard""";
}
