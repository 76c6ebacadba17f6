package io.rune.storage.controller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.ObjectKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code rune_volume_used_bytes} and {@code rune_volume_capacity_bytes}, labelled with the
 * volume's namespace and name: the last measurement this node made of each volume it measures.
 * A volume no longer measured here (deleted, or its shard gone to another node, which then
 * exports it) loses its lines, so no two nodes export the same volume for long. Beside them,
 * {@code rune_volume_usage_measurements_total} counts the measurements made.
 */
final class VolumeUsageMeters {
  private final MeterRegistry registry;
  private final Counter measurements;
  private final Map<ObjectKey, Figures> volumes = new ConcurrentHashMap<>();

  private record Figures(AtomicLong used, AtomicLong capacity, List<Meter> meters) {}

  VolumeUsageMeters(MeterRegistry registry) {
    this.registry = registry;
    this.measurements = Counter.builder("rune_volume_usage_measurements_total")
        .description("Usage measurements this node asked drivers for (its budget bounds their rate)")
        .register(registry);
  }

  /** A measurement is asked of a driver. */
  void measuring() {
    measurements.increment();
  }

  void record(ObjectKey key, VolumeUsage usage) {
    Figures figures = volumes.computeIfAbsent(key, this::register);
    figures.used().set(usage.usedBytes());
    figures.capacity().set(usage.capacityBytes());
  }

  void forget(ObjectKey key) {
    Figures figures = volumes.remove(key);
    if (figures != null) {
      figures.meters().forEach(registry::remove);
    }
  }

  private Figures register(ObjectKey key) {
    AtomicLong used = new AtomicLong();
    AtomicLong capacity = new AtomicLong();
    Meter usedGauge = Gauge.builder("rune_volume_used_bytes", used, AtomicLong::get)
        .description("Bytes a volume's data takes, as last measured on its node")
        .tags("namespace", key.namespace(), "name", key.name()).register(registry);
    Meter capacityGauge = Gauge.builder("rune_volume_capacity_bytes", capacity, AtomicLong::get)
        .description("What a volume can hold: its enforced limit, or the size of the file system holding it")
        .tags("namespace", key.namespace(), "name", key.name()).register(registry);
    return new Figures(used, capacity, List.of(usedGauge, capacityGauge));
  }
}
