package io.rune.storage.controller;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points where a test can make the server die on the spot, to prove that a crash
 * exactly there loses nothing: {@code -Drune.failpoints=volume.afterProvision,…}. The
 * process halts (no shutdown hooks, no flushing), as a power cut or SIGKILL would leave it.
 * Never set in production; unset, each check is one set lookup.
 */
public final class Failpoints {
  private static final Logger log = LoggerFactory.getLogger(Failpoints.class);
  private static final Set<String> ARMED = Arrays.stream(System.getProperty("rune.failpoints", "").split(","))
      .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());

  private Failpoints() {}

  /** The driver call for a volume succeeded; its result is not stored yet. */
  public static final String AFTER_PROVISION = "volume.afterProvision";
  /** The row says Provisioning; the driver has not been called. */
  public static final String BEFORE_PROVISION = "volume.beforeProvision";
  /** A snapshot copy is under way: the driver reported some of it done, not all. */
  public static final String DURING_SNAPSHOT_COPY = "snapshot.duringCopy";
  /** A cascade delete of a service asked for its owned volumes' deletion; the service row is still there. */
  public static final String DURING_CASCADE = "service.duringCascade";
  /** The driver deleted the storage; the row is still there. */
  public static final String AFTER_DELETE = "volume.afterDelete";

  /** A schedule's tick is due and about to be taken: nothing of it is in the database yet. */
  public static final String BEFORE_SCHEDULE_TICK = "schedule.beforeTick";
  /** A schedule's tick and its snapshot object are committed; the volume's status.schedule does not say so yet. */
  public static final String AFTER_SCHEDULE_TICK = "schedule.afterTick";

  static void hit(String name) {
    if (ARMED.contains(name)) {
      log.error("Failpoint {} reached: halting the process now", name);
      Runtime.getRuntime().halt(137);
    }
  }
}
