package dev.fraudengine.features;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Measures single-threaded replay throughput of {@link FeaturePipelines#handbook()} on the handbook data: the
 * pipeline alone (transactions parsed beforehand), repeated to warm up. Not a test: run it by hand,
 * {@code java -cp <test classpath> dev.fraudengine.features.ReplayThroughput [data folder] [rounds]}.
 *
 * <p>{@code -Dpipeline=standard} replays {@code standard()} instead. {@code -Dmemory=true} measures, after the last
 * round, the heap the pipeline's state retains: used heap after full collections, before and after releasing in
 * turn the label index, then each entity map (the parsed rows stay referenced throughout, so the differences are
 * the state alone); each part is divided by its number of entries. With {@code -DreleaseRows=true} as well, the
 * parsed rows are released first, so that strings the state shares with them (entity keys, and transaction ids if
 * the label index kept any) count as the state's, as in a service where nothing else holds them.
 */
final class ReplayThroughput {
  private ReplayThroughput() {}

  private static long usedAfterGc() {
    java.lang.management.MemoryMXBean mx = java.lang.management.ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static void retainedHeap(OnlineFeaturePipeline p) {
    long all = usedAfterGc();
    LabelIndex index = p.index();
    if (index != null) {
      long n = index.size();
      index.clear();
      long after = usedAfterGc();
      System.out.printf("  retained by the label index: %,d bytes, %,d per indexed transaction (%,d)%n", all - after,
          n == 0 ? 0 : (all - after) / n, n);
      all = after;
    }
    for (EntityGroup g : p.groups()) {
      long n = g.map.size();
      g.map.clear();
      long after = usedAfterGc();
      System.out.printf("  retained by %s: %,d bytes, %,d per %s (%,d), key, map entry and state%n", g.entity,
          all - after, n == 0 ? 0 : (all - after) / n, g.entity, n);
      all = after;
    }
  }

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "../../shared/data/fdh");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long t0 = System.nanoTime();
    List<Replay.Labelled> rows;
    try (Stream<Replay.Labelled> s = Replay.readFdh(dir.resolve("transactions-2018-04-to-08.csv.gz"))) {
      rows = s.collect(Collectors.toList());
    }
    double parse = (System.nanoTime() - t0) / 1e9;
    System.out.printf("parsed %,d rows in %.2f s (%,.0f rows/s)%n", rows.size(), parse, rows.size() / parse);
    if (Boolean.getBoolean("noLabels")) {
      rows = rows.stream().map(x -> Replay.Labelled.of(x.transaction(), null)).collect(Collectors.toList());
    }
    for (int r = 0; r < rounds; r++) {
      OnlineFeaturePipeline p = "standard".equals(System.getProperty("pipeline"))
          ? FeaturePipelines.standard() : FeaturePipelines.handbook();
      double[] sink = new double[1];
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpu = mx.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      long n = Replay.of(p).run(rows.stream(), (tx, f, label) -> sink[0] += f[f.length - 1]);
      double s = (System.nanoTime() - start) / 1e9;
      double c = (mx.getCurrentThreadCpuTime() - cpu) / 1e9;
      System.out.printf("round %d: %s replay of %,d tx in %.2f s = %,.0f tx/s wall, %,.0f tx/s of thread CPU time "
          + "(checksum %.3f)%n", r + 1, p.schema().name(), n, s, n / s, n / c, sink[0]);
      if (r == rounds - 1) {
        for (EntityGroup g : p.groups()) {
          long bytes = 0;
          long events = 0;
          for (java.util.Map.Entry<String, EntityState> x : g.map.entries()) {
            EntityState e = x.getValue();
            bytes += e.bytes();
            events += e.size;
          }
          long entities = g.map.size();
          if (entities == 0) {
            continue;
          }
          System.out.printf("  %s: %,d entities, %.1f events and ~%,d bytes of state arrays each (estimate, "
              + "without map entry and key)%n", g.entity, entities, (double) events / entities, bytes / entities);
        }
        System.out.println("  " + p.stats());
        if (Boolean.getBoolean("memory")) {
          if (Boolean.getBoolean("releaseRows")) {
            rows = null;
          }
          retainedHeap(p);
        }
      }
    }
  }
}
