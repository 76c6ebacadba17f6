package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Durable state of every resource and the change log. Every write is one row change, one
 * change-log row under the next sequence number (the object's new resourceVersion) and a
 * notification, committed together.
 *
 * <p>A single write is one statement in its own transaction, so the change-log head is
 * held only while the database executes and commits it. Work that must read and write
 * several objects consistently uses {@link #write}, which holds the head from the start.
 */
public interface Store extends StoreReader {

  /** The object as the API renders it, or null when there is none. */
  Future<String> getRendered(Kind kind, String namespace, String name);

  /** A page of objects as the API renders them. */
  Future<RenderedPage> list(ListQuery query);

  /**
   * The objects of {@code kind} whose status phase is one of {@code phases}: what a
   * controller's resync looks at.
   */
  Future<List<ObjectKey>> keysInPhase(Kind kind, Collection<String> phases);

  /**
   * The objects of {@code kind} whose status has {@code expandingTo} (a volume whose growth
   * is under way, whatever its phase): what a volume resync looks at besides the phases.
   */
  Future<List<ObjectKey>> keysExpanding(Kind kind);

  /**
   * The volumes whose spec has a {@code snapshotSchedule}: what the schedule controller's
   * resync looks at.
   */
  Future<List<ObjectKey>> keysScheduled();

  /** Every object of {@code kind}, by namespace and name: for kinds of a few objects (StorageClasses). */
  Future<List<ApiObject>> objectsOf(Kind kind);

  /** Stores a new object (Conflict-free: a taken name fails with AlreadyExists). */
  Future<ApiObject> insert(ApiObject object);

  /** Replaces {@code object}, still at its resourceVersion, or fails with Conflict. */
  Future<ApiObject> update(ApiObject object);

  /** Removes {@code object}, still at its resourceVersion, or fails with Conflict. */
  Future<ApiObject> delete(ApiObject object);

  /**
   * A controller's write: as {@link #update(ApiObject)}, and only while {@code fence}'s lease
   * is still held, at its epoch and unexpired by the database's clock; otherwise nothing is
   * changed (no change-log row, no notification) and it fails with
   * {@link StoreException.Type#FENCED}, checked in the same statement.
   */
  Future<ApiObject> update(ApiObject object, Fence fence);

  /** A controller's removal: as {@link #delete(ApiObject)}, fenced as {@link #update(ApiObject, Fence)}. */
  Future<ApiObject> delete(ApiObject object, Fence fence);

  /**
   * Runs {@code work} in one transaction that holds the change-log head from its first
   * statement: writers are serialised, so every read inside sees every earlier write.
   */
  <T> Future<T> write(Function<StoreTx, Future<T>> work);

  /**
   * Runs {@code work} against a view of this store inside one transaction that holds the
   * change-log head from its first statement, as {@link #write} does, and is always rolled
   * back: every check a write makes runs (versions, names taken, constraints) and every read
   * inside sees the work's own writes, but nothing is kept, the change-log head does not move
   * and no notification is sent. The view's {@link #write} joins the same transaction. The
   * result is what the work yielded, as if it had been committed; a failure is the work's.
   */
  <T> Future<T> rehearse(Function<Store, Future<T>> work);

  /** Changes with seq greater than {@code afterSeq}, oldest first, at most {@code limit}. */
  Future<List<Change>> changesAfter(long afterSeq, int limit);

  /**
   * The retained changes of one object ({@code namespace} "" for cluster-scoped kinds), newest
   * first, at most {@code limit}; empty when none is retained (a deleted object's stay until
   * compaction removes them).
   */
  Future<List<ObjectChange>> changesOf(Kind kind, String namespace, String name, int limit);

  Future<ChangeLogBounds> bounds();

  /** Removes change-log rows older than {@code before}; returns how many. */
  Future<Integer> compact(Instant before);

  /** A cheap round trip, for readiness. */
  Future<Void> ping();
}
