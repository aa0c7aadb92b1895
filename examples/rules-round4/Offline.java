import dev.fraudengine.models.Metrics;
import java.nio.file.*;
import java.time.Instant;
import java.util.*;

/**
 * Round 4 of the detection selection (BENCHMARKS.md, "Fourth selection round"): reads the files of
 * {@code fraud eval --cases --scores-out} run without rules (so the score is model.gbt), applies the arithmetic of
 * the fixed candidate rule files in this directory (clamp(model + bumps); a missing signal fires nothing, as in the
 * rule language), and computes ROC AUC, AP and CP@100 with the library's Metrics, as EngineRun does. Usage, from the
 * repository root once ./fraud has built the CLI:
 * {@code java -cp 'examples/target/lib/*' examples/rules-round4/Offline.java V1.csv V2.csv V3.csv V4.csv}
 */
public class Offline {
  interface Cand { double score(double s, double sim, double share); }

  public static void main(String[] args) throws Exception {
    Map<String, Cand> cands = new LinkedHashMap<>();
    cands.put("baseline", (s, sim, sh) -> s);
    cands.put("share", (s, sim, sh) -> s + (sh >= 0.6 && s < 0.9 ? 0.1 : 0));
    cands.put("near", (s, sim, sh) -> s + (sim >= 0.5 && s < 0.9 ? 0.1 : 0));
    cands.put("graded", (s, sim, sh) -> s + (sh >= 0.4 && s < 0.95 ? 0.05 : 0) + (sh >= 0.8 && s < 0.9 ? 0.05 : 0));
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (String file : args) {
      List<String> lines = Files.readAllLines(Path.of(file));
      int n = lines.size() - 1;
      long[] days = new long[n];
      long[] cards = new long[n];
      double[] s = new double[n];
      double[] sim = new double[n];
      double[] share = new double[n];
      boolean[] y = new boolean[n];
      Map<String, Long> keys = new HashMap<>();
      for (int i = 0; i < n; i++) {
        String[] f = lines.get(i + 1).split(",", -1);
        cards[i] = keys.computeIfAbsent(f[1], c -> (long) keys.size());
        days[i] = Math.floorDiv(Instant.parse(f[2]).getEpochSecond(), 86_400L);
        y[i] = f[3].equals("1");
        s[i] = Double.parseDouble(f[4]);
        sim[i] = f[6].isEmpty() ? Double.NaN : Double.parseDouble(f[6]);
        share[i] = f[7].isEmpty() ? Double.NaN : Double.parseDouble(f[7]);
      }
      for (var e : cands.entrySet()) {
        double[] c = new double[n];
        int bumped = 0;
        for (int i = 0; i < n; i++) {
          c[i] = Math.max(0, Math.min(1, e.getValue().score(s[i], sim[i], share[i])));
          bumped += c[i] != s[i] ? 1 : 0;
        }
        double auc = Metrics.rocAuc(c, y), ap = Metrics.averagePrecision(c, y),
            cp = Metrics.cardPrecisionAtK(days, cards, c, y, 100);
        System.out.printf(Locale.ROOT, "%s %-9s AUC %.4f AP %.4f CP@100 %.4f  bumped %d%n", file, e.getKey(), auc, ap,
            cp, bumped);
        double[] t = sums.computeIfAbsent(e.getKey(), k -> new double[4]);
        t[0] += auc; t[1] += ap; t[2] += cp; t[3]++;
      }
    }
    System.out.println("means over " + args.length + " folds:");
    sums.forEach((k, t) -> System.out.printf(Locale.ROOT, "  %-9s AUC %.4f AP %.4f CP@100 %.4f%n", k, t[0] / t[3],
        t[1] / t[3], t[2] / t[3]));
  }
}
