package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.CaseSignals;
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.ReasonCode;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.testing.CountingPipeline;
import dev.fraudengine.core.testing.MutableClock;
import dev.fraudengine.core.testing.TestModels;
import dev.fraudengine.core.testing.Transactions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InMemoryCaseStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static InMemoryCaseStore store(int dim, SearchMode mode) {
    return InMemoryCaseStore.builder(Embedder.identity(dim)).searchMode(mode).build();
  }

  private static Case fraud(String id, float... v) {
    return new Case(id, v, Label.FRAUD, "card_testing", T0, T0.plusSeconds(60), Map.of());
  }

  private static Case legit(String id, float... v) {
    return Case.of(id, v, Label.LEGITIMATE, T0, T0.plusSeconds(60));
  }

  @ParameterizedTest
  @EnumSource(SearchMode.class)
  void nearest_threeCases_nearestFirstWithLabelsAndTypes(SearchMode mode) {
    try (InMemoryCaseStore s = store(2, mode)) {
      s.add(fraud("f1", 0, 0));
      s.add(legit("l1", 3, 4));
      s.add(legit("l2", 10, 10));

      List<SimilarCase> found = s.nearest(new float[] {0, 0}, 2);

      assertThat(found).extracting(SimilarCase::caseId).containsExactly("f1", "l1");
      assertThat(found.get(0).similarity()).isEqualTo(1.0);
      assertThat(found.get(0).fraudType()).isEqualTo("card_testing");
      assertThat(found.get(1).similarity()).isCloseTo(1 / 6.0, within(1e-9));
      assertThat(found.get(1).label()).isEqualTo(Label.LEGITIMATE);
      assertThat(s.size()).isEqualTo(3);
    }
  }

  @Test
  void nearest_cosine_mapsToHalfOnePlusCos() {
    try (InMemoryCaseStore s = InMemoryCaseStore.builder(Embedder.identity(2)).similarity(Similarity.COSINE)
        .searchMode(SearchMode.EXACT).build()) {
      s.add(legit("same", 2, 0));
      s.add(legit("orthogonal", 0, 5));
      s.add(legit("opposite", -1, 0));
      s.add(legit("zero", 0, 0));

      List<SimilarCase> found = s.nearest(new float[] {1, 0}, 4);

      assertThat(found).extracting(SimilarCase::caseId).containsExactly("same", "orthogonal", "zero", "opposite");
      assertThat(found).extracting(SimilarCase::similarity).containsExactly(1.0, 0.5, 0.5, 0.0);
    }
  }

  @Test
  void remove_case_isNoLongerFound() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      s.add(fraud("f1", 0, 0));
      s.add(legit("l1", 1, 1));

      assertThat(s.remove("f1")).isTrue();
      assertThat(s.remove("f1")).isFalse();

      assertThat(s.nearest(new float[] {0, 0}, 5)).extracting(SimilarCase::caseId).containsExactly("l1");
      assertThat(s.size()).isEqualTo(1);
      assertThat(s.get("f1")).isEmpty();
    }
  }

  @Test
  void add_sameId_replacesCase() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      s.add(fraud("c", 0, 0));
      s.add(legit("c", 5, 5));

      assertThat(s.size()).isEqualTo(1);
      assertThat(s.nearest(new float[] {0, 0}, 5)).singleElement()
          .satisfies(c -> assertThat(c.label()).isEqualTo(Label.LEGITIMATE));
    }
  }

  @Test
  void nearest_wrongDimension_rejectsNamingDimension() {
    try (InMemoryCaseStore s = store(3, SearchMode.AUTO)) {
      assertThatThrownBy(() -> s.nearest(new float[] {1, 2}, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension 3")
          .hasMessageContaining("had 2");
    }
  }

  @Test
  void nearest_nanInVector_rejectsNamingIndex() {
    try (InMemoryCaseStore s = store(3, SearchMode.AUTO)) {
      assertThatThrownBy(() -> s.nearest(new float[] {1, Float.NaN, 2}, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vector[1]");
    }
  }

  @Test
  void nearest_nonPositiveK_rejects() {
    try (InMemoryCaseStore s = store(1, SearchMode.AUTO)) {
      assertThatThrownBy(() -> s.nearest(new float[] {1}, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be positive, but was 0");
    }
  }

  @Test
  void add_wrongDimension_rejectsAndChangesNothing() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      s.add(fraud("f1", 0, 0));

      assertThatThrownBy(() -> s.addAll(List.of(legit("ok", 1, 1), legit("bad", 1, 2, 3))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad'")
          .hasMessageContaining("dimension 2").hasMessageContaining("had 3");

      assertThat(s.size()).isEqualTo(1);
      assertThat(s.get("ok")).isEmpty();
    }
  }

  @Test
  void nearestForTransaction_wrongFeatureDimension_rejects() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      Transaction tx = Transactions.valid().build();
      assertThatThrownBy(() -> s.nearest(tx, new float[] {1}, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features must have dimension 2");
      assertThatThrownBy(() -> s.observe(tx, new float[] {1, Float.POSITIVE_INFINITY}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features[1]");
      assertThat(s.observedSize()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(SearchMode.class)
  void nearestForTransaction_labelAfterEventTime_isNotVisible(SearchMode mode) {
    try (InMemoryCaseStore s = store(2, mode)) {
      Instant eventTime = T0;
      s.add(new Case("early", new float[] {0, 0}, Label.FRAUD, null, eventTime.minusSeconds(100),
          eventTime.minusSeconds(10), Map.of()));
      s.add(new Case("exact", new float[] {0, 1}, Label.FRAUD, null, eventTime.minusSeconds(100), eventTime,
          Map.of()));
      s.add(new Case("late", new float[] {0, 0}, Label.FRAUD, null, eventTime.minusSeconds(100),
          eventTime.plusNanos(1), Map.of()));
      Transaction tx = Transactions.valid().eventTime(eventTime).build();

      assertThat(s.nearest(tx, new float[] {0, 0}, 5)).extracting(SimilarCase::caseId)
          .containsExactly("early", "exact");
      Transaction later = tx.toBuilder().eventTime(eventTime.plusSeconds(1)).build();
      assertThat(s.nearest(later, new float[] {0, 0}, 5)).extracting(SimilarCase::caseId)
          .containsExactlyInAnyOrder("early", "late", "exact");
    }
  }

  @ParameterizedTest
  @EnumSource(SearchMode.class)
  void nearestThenObserve_embedsOnce_findsAsNearestAndRemembersTheEmbedding(SearchMode mode) {
    Embedder standardising = Embedder.standardising(new float[] {1, 1}, new float[] {2, 2}, null);
    AtomicInteger calls = new AtomicInteger();
    Embedder counting = new Embedder() {
      @Override
      public int inputDimension() {
        return 2;
      }

      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public float[] embed(float[] features) {
        calls.incrementAndGet();
        return standardising.embed(features);
      }
    };
    try (InMemoryCaseStore s = InMemoryCaseStore.builder(counting).searchMode(mode).build()) {
      s.add(fraud("f1", 0, 0));
      s.add(legit("l1", 3, 4));
      Transaction tx = Transactions.valid().id("t1").eventTime(T0.plusSeconds(120)).build();
      List<SimilarCase> expected = s.nearest(tx, new float[] {7, 9}, 2);
      calls.set(0);
      List<Throwable> observeFailures = new ArrayList<>();

      List<SimilarCase> found = s.nearestThenObserve(tx, new float[] {7, 9}, 2, observeFailures::add);

      assertThat(found).isEqualTo(expected);
      assertThat(found).extracting(SimilarCase::caseId).containsExactly("l1", "f1");
      assertThat(calls).hasValue(1);
      assertThat(observeFailures).isEmpty();
      assertThat(s.observedSize()).isEqualTo(1);
      s.feedback("t1", Label.FRAUD, T0.plusSeconds(180));
      assertThat(s.get("t1").orElseThrow().vector()).containsExactly(3, 4);
    }
  }

  @Test
  void nearestThenObserve_badFeatures_throwsOnceAndObservesNothing() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      Transaction tx = Transactions.valid().id("t1").eventTime(T0).build();
      List<Throwable> observeFailures = new ArrayList<>();

      assertThatThrownBy(() -> s.nearestThenObserve(tx, new float[] {1, Float.NaN, 2}, 1, observeFailures::add))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features must have dimension 2");

      assertThat(observeFailures).isEmpty();
      assertThat(s.observedSize()).isZero();
    }
  }

  @Test
  void nearestThenObserve_searchFails_stillObservesThenThrows() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      Transaction tx = Transactions.valid().id("t1").eventTime(T0).build();

      assertThatThrownBy(() -> s.nearestThenObserve(tx, new float[] {1, 2}, 0, e -> { }))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be positive, but was 0");

      assertThat(s.observedSize()).isEqualTo(1);
    }
  }

  @Test
  void feedback_observedTransaction_becomesCaseVisibleFromLabelTime() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      Transaction tx = Transactions.valid().id("t1").eventTime(T0).build();
      s.observe(tx, new float[] {1, 1});

      s.feedback("t1", Label.FRAUD, T0.plus(Duration.ofDays(2)));

      assertThat(s.observedSize()).isZero();
      Case c = s.get("t1").orElseThrow();
      assertThat(c.eventTime()).isEqualTo(T0);
      assertThat(c.vector()).containsExactly(1, 1);
      Transaction dayAfter = tx.toBuilder().id("t2").eventTime(T0.plus(Duration.ofDays(1))).build();
      assertThat(s.nearest(dayAfter, new float[] {1, 1}, 3)).isEmpty();
      Transaction weekAfter = tx.toBuilder().id("t3").eventTime(T0.plus(Duration.ofDays(7))).build();
      assertThat(s.nearest(weekAfter, new float[] {1, 1}, 3)).extracting(SimilarCase::caseId).containsExactly("t1");
    }
  }

  @Test
  void feedback_unknownTransaction_isIgnored() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      s.feedback("never-seen", Label.FRAUD, T0);

      assertThat(s.size()).isZero();
    }
  }

  @Test
  void feedback_secondLabel_relabelsCase() {
    try (InMemoryCaseStore s = store(2, SearchMode.AUTO)) {
      s.observe(Transactions.valid().id("t1").eventTime(T0).build(), new float[] {1, 1});
      s.feedback("t1", Label.FRAUD, T0.plusSeconds(10));

      s.feedback("t1", Label.LEGITIMATE, T0.plusSeconds(20));

      assertThat(s.get("t1").orElseThrow().label()).isEqualTo(Label.LEGITIMATE);
      assertThat(s.size()).isEqualTo(1);
    }
  }

  @Test
  void legitimateSample_keepsEveryFraudAndOneLegitimateLabelInN() {
    try (InMemoryCaseStore s = InMemoryCaseStore.builder(Embedder.identity(2)).legitimateSample(10).build()) {
      int sampled = 0;
      for (int i = 0; i < 200; i++) {
        String id = "t" + i;
        s.observe(Transactions.valid().id(id).eventTime(T0).build(), new float[] {i, 1});
        s.feedback(id, i % 50 == 0 ? Label.FRAUD : Label.LEGITIMATE, T0.plusSeconds(1));
        if (i % 50 != 0 && Math.floorMod(id.hashCode(), 10) == 0) {
          sampled++;
        }
      }

      assertThat(s.observedSize()).isZero();
      assertThat(s.size()).isEqualTo(4 + sampled);
      assertThat(sampled).isBetween(5, 40);
      assertThat(s.get("t0").orElseThrow().label()).isEqualTo(Label.FRAUD);
      String unsampled = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "t" + i)
          .filter(id -> Math.floorMod(id.hashCode(), 10) != 0).findFirst().orElseThrow();
      s.add(new Case(unsampled, new float[] {9, 9}, Label.FRAUD, null, T0, T0, java.util.Map.of()));
      s.feedback(unsampled, Label.LEGITIMATE, T0.plusSeconds(2));
      assertThat(s.get(unsampled)).as("a withdrawn fraud label outside the sample removes the case").isEmpty();
    }
    assertThatThrownBy(() -> InMemoryCaseStore.builder(Embedder.identity(2)).legitimateSample(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("legitimateSample");
  }

  @Test
  void observe_beyondBound_evictsOldestFirst() {
    try (InMemoryCaseStore s = InMemoryCaseStore.builder(Embedder.identity(1)).maxObserved(3).build()) {
      for (int i = 0; i < 5; i++) {
        s.observe(Transactions.valid().id("t" + i).eventTime(T0).build(), new float[] {i});
      }

      assertThat(s.observedSize()).isEqualTo(3);
      s.feedback("t0", Label.FRAUD, T0);
      s.feedback("t1", Label.FRAUD, T0);
      s.feedback("t4", Label.FRAUD, T0);
      assertThat(s.size()).isEqualTo(1);
      assertThat(s.get("t4")).isPresent();
    }
  }

  @Test
  void builder_badSettings_reject() {
    InMemoryCaseStore.Builder b = InMemoryCaseStore.builder(Embedder.identity(1));
    assertThatThrownBy(() -> b.maxObserved(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxObserved must be positive, but was 0");
    assertThatThrownBy(() -> b.approximateThreshold(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("approximateThreshold must be positive, but was -1");
    assertThatThrownBy(() -> b.maxDegree(2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDegree must be in [4, 128], but was 2");
    assertThatThrownBy(() -> b.searchBeamWidth(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("searchBeamWidth");
  }

  @Test
  void nearest_backendNotKept_rejects() {
    try (InMemoryCaseStore s = store(1, SearchMode.EXACT)) {
      assertThatThrownBy(() -> s.nearest(new float[] {1}, 1, Instant.MAX, SearchMode.APPROXIMATE))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("APPROXIMATE");
    }
  }

  @Test
  void close_twice_neverThrowsAndRefusesUse() {
    InMemoryCaseStore s = store(1, SearchMode.AUTO);
    s.close();
    s.close();

    assertThatThrownBy(() -> s.nearest(new float[] {1}, 1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void approximate_smallStore_agreesWithExact() {
    long seed = 42;
    System.out.println("approximate_smallStore_agreesWithExact seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    try (InMemoryCaseStore s = InMemoryCaseStore.builder(Embedder.identity(8)).searchMode(SearchMode.AUTO).build()) {
      List<Case> batch = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        batch.add(i % 10 == 0 ? fraud("c" + i, gaussian(r, 8)) : legit("c" + i, gaussian(r, 8)));
      }
      s.addAll(batch);
      int hits = 0;
      for (int q = 0; q < 50; q++) {
        float[] v = gaussian(r, 8);
        List<SimilarCase> exact = s.nearest(v, 10, Instant.MAX, SearchMode.EXACT);
        List<SimilarCase> approx = s.nearest(v, 10, Instant.MAX, SearchMode.APPROXIMATE);
        double kth = exact.get(9).similarity();
        hits += (int) approx.stream().filter(c -> c.similarity() >= kth).count();
        for (int i = 1; i < approx.size(); i++) {
          assertThat(approx.get(i).similarity()).isLessThanOrEqualTo(approx.get(i - 1).similarity());
        }
      }
      assertThat(hits / 500.0).isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void addWhileSearching_manyThreads_staysConsistent() throws Exception {
    long seed = 7;
    System.out.println("addWhileSearching_manyThreads_staysConsistent seed=" + seed);
    try (InMemoryCaseStore s = InMemoryCaseStore.builder(Embedder.identity(8)).approximateThreshold(500).build()) {
      SplittableRandom seeded = new SplittableRandom(seed);
      List<Case> initial = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        initial.add(legit("init" + i, gaussian(seeded, 8)));
      }
      s.addAll(initial);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> searches = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        SplittableRandom r = seeded.split();
        searches.add(pool.submit(() -> {
          start.await();
          int n = 0;
          while (!stop.get()) {
            List<SimilarCase> found = s.nearest(gaussian(r, 8), 5);
            assertThat(found).hasSize(5);
            for (int i = 1; i < found.size(); i++) {
              assertThat(found.get(i).similarity()).isLessThanOrEqualTo(found.get(i - 1).similarity());
            }
            n++;
          }
          return n;
        }));
      }
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int w = t;
        SplittableRandom r = seeded.split();
        writers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 1_500; i++) {
            s.add(fraud("w" + w + "-" + i, gaussian(r, 8)));
            if (i % 3 == 0) {
              s.remove("w" + w + "-" + (i / 2));
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
      stop.set(true);
      int total = 0;
      for (Future<Integer> f : searches) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      assertThat(total).isPositive();
      assertThat(s.size()).isEqualTo(1_000 + 2 * (1_500 - 500));
      Case some = s.get("w0-1499").orElseThrow();
      assertThat(s.nearest(some.vector(), 1, Instant.MAX, SearchMode.EXACT).get(0).caseId()).isEqualTo("w0-1499");
    }
  }

  @Test
  void engine_withStore_reportsSimilarFraudCaseAfterFeedback() {
    MutableClock clock = new MutableClock(Transactions.NOW);
    InMemoryCaseStore store = InMemoryCaseStore.builder(Embedder.identity(CountingPipeline.SCHEMA.size())).build();
    try (FraudEngine engine = FraudEngine.builder().clock(clock).features(new CountingPipeline())
        .model(TestModels.constant("m", 0.5)).caseStore(store).build()) {
      Transaction first = Transactions.valid().id("a").eventTime(Transactions.NOW.minusSeconds(600)).build();
      engine.score(first);
      engine.feedback("a", Label.FRAUD, Transactions.NOW.minusSeconds(500));

      Decision d = engine.score(Transactions.valid().id("b").eventTime(Transactions.NOW.minusSeconds(400)).build());

      assertThat(d.similarCases()).extracting(SimilarCase::caseId).containsExactly("a");
      Reason r = d.reason(ReasonCode.SIMILAR_FRAUD_CASE);
      assertThat(r).isNotNull();
      assertThat(r.values()).containsEntry("case", "a");
      assertThat(CaseSignals.of(d.similarCases()).fraudShare()).isEqualTo(1.0);
    }
  }

  static float[] gaussian(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) nextGaussian(r);
    }
    return v;
  }

  private static double nextGaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double w = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
  }
}
