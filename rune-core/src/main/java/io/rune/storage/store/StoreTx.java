package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * The operations of one serialised write transaction. Updates and deletes take the object
 * as it was read: its resourceVersion is the precondition, and a write whose object has
 * moved on fails with Conflict.
 */
public interface StoreTx extends StoreReader {

  /** Stores a new object; its version and timestamps are assigned here. */
  Future<ApiObject> insert(ApiObject object);

  /** Replaces spec, labels and status of {@code object}, still at its resourceVersion. */
  Future<ApiObject> update(ApiObject object);

  /** Removes {@code object}, still at its resourceVersion, and logs the deletion. */
  Future<ApiObject> delete(ApiObject object);

  /** Stores (or replaces) the encrypted values of the Secret with {@code sealed.uid()}. */
  Future<Void> putSealedSecret(SealedSecret sealed);

  /**
   * Every Volume, in every namespace, whose spec names StorageClass {@code className}, in
   * order of namespace and name: what a cascade delete of the class marks.
   */
  Future<List<ApiObject>> volumesOfClass(String className);

  /**
   * Every Volume, in every namespace, whose spec restores from Snapshot
   * {@code namespace/snapshot} and whose status phase is one of {@code phases}, in order of
   * namespace and name: the restores that may still read that snapshot.
   */
  Future<List<ApiObject>> volumesRestoringFrom(String namespace, String snapshot, List<String> phases);

  /**
   * Takes tick {@code tick} of the snapshot schedule of the volume with {@code volumeUid} for
   * snapshot {@code snapshot}, under {@code fence}'s lease (checked and held until commit, as a
   * fenced write does): true when this call took it, false when it was taken before.
   *
   * @throws StoreException of type FENCED when the lease is no longer this one; nothing is recorded
   */
  Future<Boolean> takeTick(Fence fence, String volumeUid, Instant tick, String snapshot);

  /**
   * Records that a one-time step (such as seeding the built-in classes) has happened;
   * true only for the first caller ever, on any node.
   */
  Future<Boolean> markOnce(String what);
}
