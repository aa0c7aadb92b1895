package dev.fraudengine.core.testing;

import dev.fraudengine.core.FeatureContribution;
import dev.fraudengine.core.FraudModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/** Small models for tests. */
public final class TestModels {
  private TestModels() {}

  /**
   * A model with an id, version {@code test-1} and a constant score, for tests that override one behaviour (a
   * failing explanation, a fused call) in an anonymous subclass.
   */
  public static class Base implements FraudModel {
    private final String id;
    private final double score;

    /**
     * Creates the model.
     *
     * @param id its id
     * @param score what {@link #score} returns
     */
    public Base(String id, double score) {
      this.id = id;
      this.score = score;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public String version() {
      return "test-1";
    }

    @Override
    public double score(float[] features) {
      return score;
    }
  }

  /**
   * Returns a model that always gives the same score.
   *
   * @param id its id
   * @param score its score
   * @return the model
   */
  public static FraudModel constant(String id, double score) {
    return new Base(id, score);
  }

  /**
   * Returns a model scoring with a function of the feature vector.
   *
   * @param id its id
   * @param fn the score function
   * @return the model
   */
  public static FraudModel of(String id, ToDoubleFunction<float[]> fn) {
    return new Base(id, Double.NaN) {
      @Override
      public double score(float[] features) {
        return fn.applyAsDouble(features);
      }
    };
  }

  /**
   * Returns a model that explains its constant score with fixed contributions.
   *
   * @param id its id
   * @param score its score
   * @param contributions what {@code explain} returns
   * @return the model
   */
  public static FraudModel explaining(String id, double score, List<FeatureContribution> contributions) {
    return new Base(id, score) {
      @Override
      public List<FeatureContribution> explain(float[] features, int limit) {
        return contributions.subList(0, Math.min(limit, contributions.size()));
      }
    };
  }

  /** A model that fails while {@link #failing} is set, and counts its calls and closes. */
  public static final class Flaky extends Base {
    /** While {@code true}, {@link #score} throws. */
    public final AtomicBoolean failing = new AtomicBoolean(true);
    /** The calls of {@link #score}. */
    public final AtomicInteger calls = new AtomicInteger();
    /** The calls of {@link #close}. */
    public final AtomicInteger closes = new AtomicInteger();

    /**
     * Creates the model.
     *
     * @param id its id
     * @param score its score when it does not fail
     */
    public Flaky(String id, double score) {
      super(id, score);
    }

    @Override
    public String version() {
      return "flaky-1";
    }

    @Override
    public double score(float[] features) {
      calls.incrementAndGet();
      if (failing.get()) {
        throw new IllegalStateException("model " + id() + " is down");
      }
      return super.score(features);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }
}
