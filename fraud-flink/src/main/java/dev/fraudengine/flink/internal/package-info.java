/**
 * Not an API: the records that flow between the stages of a {@link dev.fraudengine.flink.FraudStream} job and the
 * Flink serializers of every type the job ships over the network or keeps in state. They are public only because
 * Flink instantiates serializer snapshots by reflection when it restores a checkpoint or savepoint; their
 * binary formats are versioned by those snapshots.
 */
package dev.fraudengine.flink.internal;
