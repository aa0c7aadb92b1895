/**
 * Online feature state for fraud-engine: declarative feature definitions per entity key (card, terminal, device,
 * IP, payee, any attribute) over sliding event-time windows, delayed-label risk fed by feedback, bounded
 * per-entity state with snapshots, and point-in-time replay of history into training matrices. The public surface
 * is {@link dev.fraudengine.features.FeaturePipelines} (ready pipelines and a builder),
 * {@link dev.fraudengine.features.Feature} and {@link dev.fraudengine.features.Entity} (definitions),
 * {@link dev.fraudengine.features.OnlineFeaturePipeline} (the stateful pipeline),
 * {@link dev.fraudengine.features.EntityStore} (the state SPI, for state shared through an external store such as
 * Redis), {@link dev.fraudengine.features.Replay} and {@link dev.fraudengine.features.TrainingMatrix}; everything
 * else is package-private.
 */
package dev.fraudengine.features;
