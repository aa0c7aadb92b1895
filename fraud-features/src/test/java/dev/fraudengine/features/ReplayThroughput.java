package dev.fraudengine.features;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Measures single-threaded replay throughput of {@link FeaturePipelines#handbook()} on the handbook data: the
 * pipeline alone (transactions parsed beforehand), repeated to warm up. Not a test: run it by hand,
 * {@code java -cp <test classpath> dev.fraudengine.features.ReplayThroughput [data folder] [rounds]}.
 */
final class ReplayThroughput {
  private ReplayThroughput() {}

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
          for (EntityState e : g.map.asMap().values()) {
            bytes += e.bytes();
            events += e.size;
          }
          long entities = g.map.estimatedSize();
          if (entities == 0) {
            continue;
          }
          System.out.printf("  %s: %,d entities, %.1f events and ~%,d bytes of state arrays each (estimate, "
              + "without map entry and key)%n", g.entity, entities, (double) events / entities, bytes / entities);
        }
        System.out.println("  " + p.stats());
      }
    }
  }
}
