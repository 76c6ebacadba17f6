package io.rune.bench;

import static io.rune.bench.Session.mib;
import static io.rune.bench.Session.step;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The 10,000 volumes: loading them, listing them, and the memory of the server holding them. */
final class CatalogBench {
  static final int LISTING_RUNS = 5;
  static final int LISTING_WARM_UPS = 3;
  static final double RSS_GOAL_MIB = 300;
  static final double LIST_GOAL_MS = 200;

  private CatalogBench() {}

  static void run(Session session) throws Exception {
    step("loading " + VolumeCatalog.COUNT + " volumes through /apply");
    long start = System.nanoTime();
    VolumeCatalog.load(session.api());
    session.observations().add(String.format("Loading %,d volumes through `/apply` (batches of 500, one"
        + " transaction each) took %.1f s.", VolumeCatalog.COUNT, (System.nanoTime() - start) / 1e9));
    measureListing(session);
    measureMemory(session);
  }

  private static void measureListing(Session session) throws InterruptedException {
    step("listing them, " + LISTING_WARM_UPS + " warm-ups + " + LISTING_RUNS + " runs");
    for (int i = 0; i < LISTING_WARM_UPS; i++) {
      VolumeCatalog.listAll(session.api());
    }
    session.quiet("the listing runs");
    List<VolumeCatalog.Listing> runs = new ArrayList<>();
    for (int i = 0; i < LISTING_RUNS; i++) {
      runs.add(VolumeCatalog.listAll(session.api()));
    }
    VolumeCatalog.Listing best = runs.stream().min(Comparator.comparingDouble(VolumeCatalog.Listing::millis)).get();
    session.report().add("List 10,000 volumes (limit=1000, following continue), best of " + LISTING_RUNS,
        String.format("%.0f ms", best.millis()), "—", "", "< " + (int) LIST_GOAL_MS + " ms",
        best.millis() < LIST_GOAL_MS);
    session.observations().add("Listing runs (ms): "
        + runs.stream().map(r -> String.format("%.0f", r.millis())).toList()
        + String.format("; in the best one the bench spent %.1f ms reading the 10 pages (streaming: item count"
        + " and continue token).", best.parseMillis()));
  }

  private static void measureMemory(Session session) throws Exception {
    step("runed's RSS with the volumes loaded: settle, then full GC (jcmd GC.run), settle");
    session.quiet("the memory measurement");
    ProcessHandle java = session.runed().java;
    long idleKib = ResidentMemory.settled(java);
    ResidentMemory.collectGarbage(java);
    long gcKib = ResidentMemory.settled(java);
    String goal = "< " + (int) RSS_GOAL_MIB + " MiB";
    session.report().add("RSS with 10,000 volumes loaded, settled (no forced GC)", mib(idleKib), "—", "", goal,
        idleKib / 1024.0 < RSS_GOAL_MIB);
    session.report().add("RSS with 10,000 volumes loaded, after a full GC", mib(gcKib), "—", "", goal,
        gcKib / 1024.0 < RSS_GOAL_MIB);
  }
}
