package io.rune.storage.testing.drivers;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverException.Blame;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which calls of the test driver fail, and how: read from the call's parameters (the class's
 * overlaid with the volume's), overlaid in turn with what the test switched at run time for
 * the call's backend (parameter {@code backend}, default {@value #DEFAULT_BACKEND}). Classes
 * and volumes cannot change their parameters once written, so a failure a test must switch
 * on or off while the server runs (a backend going down, a delete that starts to work) goes
 * through {@link #set}.
 *
 * <p>Per operation, with {@code Op} its capitalised name ({@code Delete}, {@code DeleteSnapshot}):
 * {@code failOp} = {@code always} or N (the first N calls per object fail; 0 is off),
 * {@code failOpWith} a {@link DriverError} name (default TRANSIENT), {@code failOpBlame}
 * BACKEND or OBJECT (default: as the type is usually blamed), {@code failOpReason} a reason
 * word. {@code failAll} = BACKEND fails every call as a backend that is down would (TRANSIENT,
 * blamed on the backend); OBJECT fails every call as a fault of its object; {@code none} is off.
 * The first parameters of this driver, {@code failFirst} and {@code failWith}, still mean
 * {@code failProvision} and {@code failProvisionWith}.
 */
public final class FaultPlan {
  public static final String DEFAULT_BACKEND = "default";

  private static final Map<String, Map<String, String>> SWITCHED = new ConcurrentHashMap<>();

  private FaultPlan() {}

  /** Sets {@code parameter} for every call to {@code backend} from now on, over the class and volume; null unsets. */
  public static void set(String backend, String parameter, String value) {
    Map<String, String> switched = SWITCHED.computeIfAbsent(backend, b -> new ConcurrentHashMap<>());
    if (value == null) {
      switched.remove(parameter);
    } else {
      switched.put(parameter, value);
    }
  }

  /** Forgets everything switched at run time for {@code backend}. */
  public static void reset(String backend) {
    SWITCHED.remove(backend);
  }

  /** The parameters a call to the driver goes by: its own, overlaid with those switched for its backend. */
  static Map<String, String> effective(Map<String, String> parameters) {
    Map<String, String> effective = new HashMap<>(parameters);
    effective.putAll(SWITCHED.getOrDefault(parameters.getOrDefault("backend", DEFAULT_BACKEND), Map.of()));
    return effective;
  }

  /**
   * The failure the {@code call}-th call (counting from 1) of {@code op} about one object
   * meets, or null when it goes through.
   */
  static DriverException failure(FaultyDriver.Op op, Map<String, String> callParameters, int call) {
    Map<String, String> p = effective(callParameters);
    String all = p.getOrDefault("failAll", "none");
    if (!all.equals("none") && !all.isEmpty()) {
      return new DriverException(DriverError.TRANSIENT, Blame.valueOf(all), null,
          "the test backend is down (" + op.word() + " call " + call + ")", null);
    }
    String prefix = "fail" + op.word();
    String when = p.get(prefix);
    String with = p.get(prefix + "With");
    if (op == FaultyDriver.Op.PROVISION) {
      when = when != null ? when : p.get("failFirst");
      with = with != null ? with : p.get("failWith");
    }
    if (when == null || !(when.equals("always") || call <= Integer.parseInt(when))) {
      return null;
    }
    DriverError error = DriverError.valueOf(with != null ? with : "TRANSIENT");
    String blame = p.get(prefix + "Blame");
    String message = "the test backend refused (" + op.word() + " call " + call + ")";
    return new DriverException(error, blame != null ? Blame.valueOf(blame) : new DriverException(error, message).blame(),
        p.get(prefix + "Reason"), message, null);
  }
}
