package dev.fraudengine.flink;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.TransactionValidator;
import dev.fraudengine.features.Feature;
import dev.fraudengine.flink.internal.CodecTypeInfo;
import dev.fraudengine.flink.internal.Enriched;
import dev.fraudengine.flink.internal.LabelUpdate;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * The fraud engine as a Flink streaming job: transactions in, decisions out, with each entity's feature state in
 * Flink keyed state (checkpointed and rescaled by Flink) and confirmed labels as a second stream.
 *
 * <pre>{@code
 * FraudStream fraud = FraudStream.builder()
 *     .features("handbook", "1", FeaturePipelines::handbookFeatures)
 *     .engine(features -> FraudEngine.builder().features(features).rules(rules()).build())
 *     .build();
 * FraudStream.Result result = fraud.apply(transactions, feedback);
 * result.decisions().sinkTo(...);
 * }</pre>
 *
 * <p><b>Topology.</b> A stateless stage, chained to the source with its parallelism so that each partition's order
 * is kept, validates each transaction (bad ones go to {@link Result#rejected()} before any state sees them) and
 * computes the features of the transaction alone. Then one keyed stage per entity ({@code keyBy(card)},
 * {@code keyBy(terminal)}...), all fed side by side from the validated stream so that each entity sees its
 * transactions in source order, computes that entity's features with the library's own
 * {@link dev.fraudengine.features.OnlineFeaturePipeline} over the entity's history kept in a {@code ValueState}. A
 * stage keyed by transaction id joins the parts of each vector (skipped with a single entity), and a last stage, one
 * {@link FraudEngine} per task built once by the {@link EngineFactory}, decides. Labels are joined with their
 * transaction by a stage keyed by transaction id, and sent, keyed by entity, to the entity stages whose features
 * read labels. Operator uids are stable ({@code fraud-validate}, {@code fraud-labels},
 * {@code fraud-features-<entity>}, {@code fraud-join}, {@code fraud-decide}), so that savepoints survive changes to
 * the job around them.
 *
 * <p><b>Semantics.</b> For a stream in event-time order, each transaction gets the features, score and verdict the
 * embedded engine gives it, provided each label reaches its entities before the first transaction that may count it
 * (at or after its label time): labels are applied as they arrive, as {@link FraudEngine#feedback} applies them.
 * Each entity sees its transactions in source order within each source partition; transactions of one entity
 * from several partitions interleave as they arrive, as with several threads sharing an embedded engine. The allowed
 * lateness is checked per entity, against the entity's newest event (the embedded pipeline checks it against the
 * newest event of all): a later transaction is decided without features and degraded, as in the embedded engine,
 * though entities processed before the late one have recorded it. Idle entities and label routes expire after their TTL in
 * processing time ({@link Builder#stateTtl}, {@link Builder#labelTtl}). Keys are kept as given (no
 * pseudonymisation): Flink needs them to partition the stream.
 *
 * <p>Immutable and serializable into the job graph; thread-safe.
 */
public final class FraudStream {
  static final OutputTag<Rejection> REJECTED = new OutputTag<>("fraud-rejected", CodecTypeInfo.REJECTION);

  private final Spec spec;

  private FraudStream(Spec spec) {
    this.spec = spec;
  }

  /**
   * Starts a builder.
   *
   * @return a new builder with the default bounds
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns Flink's type information for transactions, for sources that produce them (a Kafka deserializer's
   * {@code getProducedType()}, {@code env.fromData(list, type)}).
   *
   * @return the type information; it never falls back to Kryo
   */
  public static TypeInformation<Transaction> transactionType() {
    return CodecTypeInfo.TRANSACTION;
  }

  /**
   * Returns Flink's type information for labels.
   *
   * @return the type information
   */
  public static TypeInformation<Feedback> feedbackType() {
    return CodecTypeInfo.FEEDBACK;
  }

  /**
   * Returns Flink's type information for decisions.
   *
   * @return the type information
   */
  public static TypeInformation<Decision> decisionType() {
    return CodecTypeInfo.DECISION;
  }

  /**
   * Returns the schema of the feature vectors the job computes.
   *
   * @return the schema, as the embedded pipeline of the same definitions has it
   */
  public FeatureSchema schema() {
    return spec.layout().schema;
  }

  /**
   * Adds the job to the transactions' environment, without labels: label-delayed features then see none.
   *
   * @param transactions the transactions; each card's (and each entity's) in event-time order
   * @return the decisions and the refused transactions
   * @throws NullPointerException if {@code transactions} is {@code null}
   */
  public Result apply(DataStream<Transaction> transactions) {
    return build(Objects.requireNonNull(transactions, "transactions"), null);
  }

  /**
   * Adds the job to the transactions' environment, with a stream of confirmed labels.
   *
   * @param transactions the transactions; each card's (and each entity's) in event-time order
   * @param feedback the labels, in any order and at any time after or before their transaction
   * @return the decisions and the refused transactions
   * @throws NullPointerException if an argument is {@code null}
   */
  public Result apply(DataStream<Transaction> transactions, DataStream<Feedback> feedback) {
    return build(Objects.requireNonNull(transactions, "transactions"), Objects.requireNonNull(feedback, "feedback"));
  }

  private Result build(DataStream<Transaction> transactions, DataStream<Feedback> feedback) {
    Spec.Layout layout = spec.layout();
    SingleOutputStreamOperator<Enriched> valid = transactions
        .process(new Validate(spec), CodecTypeInfo.ENRICHED).name("fraud-validate").uid("fraud-validate")
        .setParallelism(transactions.getParallelism());
    DataStream<LabelUpdate> labels = null;
    if (feedback != null && layout.readsLabels()) {
      labels = valid.keyBy(r -> r.transaction().id(), Types.STRING)
          .connect(feedback.keyBy(Feedback::transactionId, Types.STRING))
          .process(new LabelRouter(spec), CodecTypeInfo.LABEL_UPDATE).name("fraud-labels").uid("fraud-labels");
    }
    DataStream<Enriched> parts = null;
    for (Spec.Stage stage : layout.stages) {
      String uid = "fraud-features-" + stage.entity().name();
      StageKey key = new StageKey(spec, stage.index());
      DataStream<Enriched> part;
      if (labels != null && stage.readsLabels()) {
        int index = stage.index();
        DataStream<LabelUpdate> mine = labels.filter(u -> u.stage() == index).name("fraud-labels-" + index);
        part = valid.keyBy(key, Types.STRING).connect(mine.keyBy(LabelUpdate::key, Types.STRING))
            .process(new LabelledEntityStage(spec, index), CodecTypeInfo.ENRICHED).name(uid).uid(uid);
      } else {
        part = valid.keyBy(key, Types.STRING).process(new EntityStage(spec, stage.index()), CodecTypeInfo.ENRICHED)
            .name(uid).uid(uid);
      }
      parts = parts == null ? part : parts.union(part);
    }
    DataStream<Enriched> stream;
    if (parts == null) {
      stream = valid;
    } else if (layout.stages.size() == 1) {
      stream = parts;
    } else {
      stream = parts.keyBy(r -> r.transaction().id(), Types.STRING).process(new Join(spec), CodecTypeInfo.ENRICHED)
          .name("fraud-join").uid("fraud-join");
    }
    SingleOutputStreamOperator<Decision> decisions =
        stream.process(new Decide(spec), CodecTypeInfo.DECISION).name("fraud-decide").uid("fraud-decide");
    DataStream<Rejection> rejected = valid.getSideOutput(REJECTED).union(decisions.getSideOutput(REJECTED));
    return new Result(decisions, rejected);
  }

  /**
   * What the job produces.
   *
   * @param decisions one decision per accepted transaction
   * @param rejected the transactions refused by validation, with every problem found
   */
  public record Result(DataStream<Decision> decisions, DataStream<Rejection> rejected) {
    /**
     * Validates.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public Result {
      Objects.requireNonNull(decisions, "decisions");
      Objects.requireNonNull(rejected, "rejected");
    }
  }

  /**
   * A serializable supplier: the job's parts are shipped to every task as factories, and built there.
   *
   * @param <T> what it supplies
   */
  @FunctionalInterface
  public interface Factory<T> extends Supplier<T>, Serializable {}

  /** Builds the engine of each deciding task, once, when the task opens. Serializable into the job graph. */
  @FunctionalInterface
  public interface EngineFactory extends Serializable {
    /**
     * Builds an engine around the job's features: it must be built with {@code features} as its pipeline, so that
     * it decides with the vectors the keyed stages computed.
     *
     * @param features the pipeline to give {@link FraudEngine.Builder#features}
     * @return the engine; the task closes it
     */
    FraudEngine create(FeaturePipeline features);
  }

  /**
   * Builds a {@link FraudStream}. Setters check their argument at once; {@link #build()} checks the whole. Not
   * thread-safe.
   */
  public static final class Builder {
    private String schemaName;
    private String schemaVersion;
    private Factory<List<Feature>> features;
    private EngineFactory engine;
    private Factory<TransactionValidator> validator = TransactionValidator::defaults;
    private int maxEventsPerEntity = 10_000;
    private Duration allowedLateness = Duration.ofHours(1);
    private Duration stateTtl = Duration.ofDays(90);
    private Duration labelTtl = Duration.ofDays(60);

    private Builder() {}

    /**
     * Sets the feature definitions, as an {@link dev.fraudengine.features.OnlineFeaturePipeline} of that schema
     * would have them. Required.
     *
     * @param name the schema's name, not blank
     * @param version the schema's version, not blank
     * @param features supplies the definitions in vector order, e.g.
     *     {@code FeaturePipelines::handbookFeatures}; called on the client and once per task
     * @return this builder
     * @throws IllegalArgumentException if the name or version is blank
     * @throws NullPointerException if an argument is {@code null}
     */
    public Builder features(String name, String version, Factory<List<Feature>> features) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
      }
      if (version.isBlank()) {
        throw new IllegalArgumentException("version must not be blank, but was '" + version + "'");
      }
      this.schemaName = name;
      this.schemaVersion = version;
      this.features = Objects.requireNonNull(features, "features");
      return this;
    }

    /**
     * Sets how each deciding task builds its engine (models, rules, policy, listeners). Required.
     *
     * @param engine the factory
     * @return this builder
     * @throws NullPointerException if {@code null}
     */
    public Builder engine(EngineFactory engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /**
     * Sets the validator that refuses bad transactions before any state sees them; give it the limits the engine
     * has. Default: {@link TransactionValidator#defaults()}.
     *
     * @param validator the factory
     * @return this builder
     * @throws NullPointerException if {@code null}
     */
    public Builder validator(Factory<TransactionValidator> validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /**
     * Sets how many events an entity keeps at most, as
     * {@link dev.fraudengine.features.OnlineFeaturePipeline.Builder#maxEventsPerEntity}. Default 10,000.
     *
     * @param maxEventsPerEntity in [1, 1,000,000]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxEventsPerEntity(int maxEventsPerEntity) {
      if (maxEventsPerEntity < 1 || maxEventsPerEntity > 1_000_000) {
        throw new IllegalArgumentException(
            "maxEventsPerEntity must be in [1, 1000000], but was " + maxEventsPerEntity);
      }
      this.maxEventsPerEntity = maxEventsPerEntity;
      return this;
    }

    /**
     * Sets how far behind its entity's newest event a transaction may come, as
     * {@link dev.fraudengine.features.OnlineFeaturePipeline.Builder#allowedLateness}; it also extends how long
     * events are kept. Default 1 hour.
     *
     * @param allowedLateness zero or positive, at most 366 days
     * @return this builder
     * @throws IllegalArgumentException if negative or longer
     * @throws NullPointerException if {@code null}
     */
    public Builder allowedLateness(Duration allowedLateness) {
      Objects.requireNonNull(allowedLateness, "allowedLateness");
      if (allowedLateness.isNegative() || allowedLateness.compareTo(Duration.ofDays(366)) > 0) {
        throw new IllegalArgumentException("allowedLateness must be in [0, 366 days], but was " + allowedLateness);
      }
      this.allowedLateness = allowedLateness;
      return this;
    }

    /**
     * Sets after how long without a transaction an entity's state is dropped, in processing time (Flink state
     * TTL). Default 90 days.
     *
     * @param stateTtl positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws NullPointerException if {@code null}
     */
    public Builder stateTtl(Duration stateTtl) {
      this.stateTtl = positive("stateTtl", stateTtl);
      return this;
    }

    /**
     * Sets how long after a transaction its label may still arrive and be routed, in processing time. Default 60
     * days.
     *
     * @param labelTtl positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws NullPointerException if {@code null}
     */
    public Builder labelTtl(Duration labelTtl) {
      this.labelTtl = positive("labelTtl", labelTtl);
      return this;
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, but was " + d);
      }
      return d;
    }

    /**
     * Builds the job definition; the features are read once here to check them.
     *
     * @return the job definition
     * @throws IllegalStateException if the features or the engine factory were not set, or no feature is defined
     * @throws IllegalArgumentException if two features have the same name
     */
    public FraudStream build() {
      if (features == null) {
        throw new IllegalStateException("set the features before build()");
      }
      if (engine == null) {
        throw new IllegalStateException("set the engine factory before build()");
      }
      Spec spec = new Spec(schemaName, schemaVersion, features, engine, validator, maxEventsPerEntity,
          allowedLateness, stateTtl, labelTtl);
      spec.layout();
      return new FraudStream(spec);
    }
  }
}
