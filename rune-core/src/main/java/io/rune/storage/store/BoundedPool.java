package io.rune.storage.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.time.Duration;
import java.util.function.Function;

/**
 * A pool whose every use finishes within a bound (the runefile's {@code store.requestTimeout}),
 * waiting for a connection included, so that a frozen or stalled database costs a request
 * a 503 StoreUnavailable, not a hang. Every user of the pool (the Store, the token store,
 * readiness) is covered without knowing it.
 *
 * <p>Nothing is half-done: every statement runs in a transaction of its own (or the
 * caller's, for {@link #withTransaction}), and work that runs out of time has its
 * connection's socket closed, not handed back to the pool. The server then reads the end
 * of the connection before any COMMIT and rolls the transaction back, even if it was
 * frozen and resumes much later, and the pool opens a fresh connection in its place
 * rather than waiting for an abandoned one. The transaction also limits itself on the
 * server (statement and idle-in-transaction timeouts, and a commit deadline checked by the
 * {@code commit_deadline} trigger at COMMIT on the database's own clock), so that a
 * COMMIT already sent when the database froze is refused when it resumes too late.
 */
public final class BoundedPool implements Pool {
  private final Vertx vertx;
  private final Pool pool;
  private final long boundMillis;
  private final String boundText;
  /** Whether each statement gets a transaction of its own; false for the {@link #reads()} view. */
  private final boolean ownTransactions;
  private final BoundedPool reads;

  public BoundedPool(Vertx vertx, Pool pool, Duration bound) {
    this(vertx, pool, bound, true);
  }

  private BoundedPool(Vertx vertx, Pool pool, Duration bound, boolean ownTransactions) {
    this.vertx = vertx;
    this.pool = pool;
    this.boundMillis = bound.toMillis();
    this.boundText = bound.toMillis() % 1000 == 0 ? bound.toSeconds() + "s" : bound.toMillis() + "ms";
    this.ownTransactions = ownTransactions;
    this.reads = ownTransactions ? new BoundedPool(vertx, pool, bound, false) : this;
  }

  /**
   * The same pool and bound for statements that only read. A read abandoned at the bound has
   * nothing to roll back, so it runs as it is: one statement, where a statement of its own
   * transaction costs three (BEGIN with its limits and the statement pipelined, then COMMIT). Its connection is
   * still closed at the bound, so the answer is a 503 in time; the server then drops the
   * read when it finds the client gone. (No session-wide statement_timeout: the migrations'
   * advisory lock shares these connections and must be able to wait.)
   */
  public BoundedPool reads() {
    return reads;
  }

  /** Unbounded: whoever holds a connection decides how long it needs it (migrations). */
  @Override
  public Future<SqlConnection> getConnection() {
    return pool.getConnection();
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return new BoundedQuery<>(this, conn -> conn.query(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return new BoundedQuery<>(this, conn -> conn.preparedQuery(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return new BoundedQuery<>(this, conn -> conn.preparedQuery(sql, options));
  }

  /**
   * The work in a transaction of its own. BEGIN (with its limits) goes without waiting for its
   * answer: the connection pipelines it with the work's first statement, so a write of one
   * statement costs two round trips instead of three (issue 20). The server runs them in
   * order: should BEGIN's limits fail, the transaction is aborted and the statements behind it
   * are refused, never run without them. COMMIT waits for the work's answer: sent with it, it
   * would sit in the socket of a frozen database, which would commit on resuming, with a
   * deadline taken then, a write the client had already answered 503 (FrozenDatabaseIT).
   */
  @Override
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    return withConnection((conn, deadline) -> {
      Future<RowSet<Row>> begun = conn.query(begin(deadline)).execute();
      Future<T> done = work.apply(conn);
      return Future.join(begun, done).transform(both -> {
        if (both.succeeded()) {
          return conn.query("COMMIT").execute().compose(committed -> done);
        }
        Throwable failure = begun.failed() ? begun.cause() : done.cause();
        return conn.query("ROLLBACK").execute().transform(ignored -> Future.<T>failedFuture(failure));
      });
    });
  }

  @Override
  public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> work) {
    return withConnection((conn, deadline) -> work.apply(conn));
  }

  @Override
  public int size() {
    return pool.size();
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  /** Work on one connection, given the time (System.nanoTime) by which it must be done. */
  private interface TimedWork<T> {
    Future<T> apply(SqlConnection conn, long deadline);
  }

  private <T> Future<T> withConnection(TimedWork<T> work) {
    long deadline = System.nanoTime() + boundMillis * 1_000_000;
    Promise<T> answer = Promise.promise();
    SqlConnection[] working = new SqlConnection[1];
    long timer = vertx.setTimer(boundMillis, id -> {
      if (answer.tryFail(timedOut()) && working[0] != null) {
        abandon(working[0]);
      }
    });
    pool.getConnection().compose(conn -> {
          if (answer.future().isComplete()) {
            // Acquired too late: nothing was sent on it, so it goes back to the pool as it is.
            conn.close();
            return Future.<T>failedFuture(timedOut());
          }
          working[0] = conn;
          return work.apply(conn, deadline).andThen(done -> {
            // After the timer fired the connection is abandoned (its socket closed) instead.
            if (!answer.future().isComplete()) {
              conn.close();
            }
          });
        })
        .onComplete(result -> {
          vertx.cancelTimer(timer);
          if (result.succeeded()) {
            answer.tryComplete(result.result());
          } else {
            answer.tryFail(result.cause());
          }
        });
    return answer.future();
  }

  /**
   * BEGIN, and the limits the server enforces on this transaction by itself: no statement
   * or pause between statements longer than the bound, and no COMMIT after the time left.
   */
  private String begin(long deadline) {
    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    return "BEGIN; SET LOCAL statement_timeout = " + boundMillis
        + "; SET LOCAL idle_in_transaction_session_timeout = " + boundMillis
        + "; SELECT set_config('rune.commit_deadline', (clock_timestamp() + interval '" + left
        + " milliseconds')::text, true)";
  }

  /**
   * Closes the connection's socket rather than returning it to the pool, where it would
   * stay busy with the abandoned statement: the server rolls back what it had not
   * committed, and the pool forgets the connection and opens a new one when needed.
   */
  private static void abandon(SqlConnection conn) {
    if (conn instanceof SqlConnectionInternal internal
        && internal.unwrap().unwrap() instanceof SocketConnectionBase socket) {
      socket.socket().close();
    }
    // Hands the lease back; a closed connection is no longer in the pool, so it is not reused.
    conn.close();
  }

  private StoreException timedOut() {
    return new StoreException(StoreException.Type.UNAVAILABLE, "the database did not answer within " + boundText
        + "; retry later; nothing was changed");
  }

  /** A query bounded on each execution: in a transaction of its own, except on the {@link #reads()} view. */
  private record BoundedQuery<T>(BoundedPool pool, Function<SqlConnection, ? extends Query<T>> onConnection)
      implements PreparedQuery<T> {

    @Override
    public Future<T> execute() {
      return run(conn -> onConnection.apply(conn).execute());
    }

    @Override
    public Future<T> execute(io.vertx.sqlclient.Tuple tuple) {
      return run(conn -> prepared(conn).execute(tuple));
    }

    @Override
    public Future<T> executeBatch(java.util.List<io.vertx.sqlclient.Tuple> batch) {
      return run(conn -> prepared(conn).executeBatch(batch));
    }

    private Future<T> run(Function<SqlConnection, Future<T>> statement) {
      return pool.ownTransactions ? pool.withTransaction(statement) : pool.withConnection(statement);
    }

    @Override
    public <R> PreparedQuery<io.vertx.sqlclient.SqlResult<R>> collecting(
        java.util.stream.Collector<Row, ?, R> collector) {
      return new BoundedQuery<>(pool, conn -> onConnection.apply(conn).collecting(collector));
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
      return new BoundedQuery<>(pool, conn -> onConnection.apply(conn).mapping(mapper));
    }

    private PreparedQuery<T> prepared(SqlConnection conn) {
      if (onConnection.apply(conn) instanceof PreparedQuery<T> prepared) {
        return prepared;
      }
      throw new IllegalStateException("parameters given to a query that is not prepared");
    }
  }
}
