package io.rune.storage.store;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

/**
 * The database refuses a COMMIT it reaches after the transaction's deadline
 * ({@code rune.commit_deadline}, on its own clock): how a write whose client already
 * answered 503 stays undone when a frozen database resumes with the COMMIT still unread.
 */
class CommitDeadlineIT {

  @Test
  void aCommitPastTheDeadlineIsRolledBackAndOneBeforeItCommits() {
    try (TestServer server = TestServer.external("commit-deadline")) {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(server.databaseUrl()))
          .using(server.vertx()).build();
      try {
        String head = server.sqlValue("SELECT seq FROM change_head");
        Throwable refused = await(bumpHeadWithDeadline(pool, "- interval '1 millisecond'")
            .transform(done -> Future.succeededFuture(done.cause())));
        assertThat(refused).isInstanceOf(PgException.class);
        assertThat(((PgException) refused).getSqlState()).isEqualTo("57014");
        assertThat(server.sqlValue("SELECT seq FROM change_head")).as("rolled back").isEqualTo(head);

        await(bumpHeadWithDeadline(pool, "+ interval '1 minute'"));
        assertThat(server.sqlValue("SELECT seq FROM change_head")).isEqualTo(String.valueOf(Long.parseLong(head) + 1));
      } finally {
        await(pool.close());
      }
    }
  }

  private static Future<Void> bumpHeadWithDeadline(Pool pool, String fromNow) {
    return pool.withTransaction(conn -> conn.query("SELECT set_config('rune.commit_deadline', (clock_timestamp() "
            + fromNow + ")::text, true)").execute()
        .compose(v -> conn.query("UPDATE change_head SET seq = seq + 1 WHERE id = 1").execute())
        .mapEmpty());
  }
}
