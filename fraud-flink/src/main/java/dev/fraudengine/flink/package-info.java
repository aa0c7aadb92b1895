/**
 * The fraud engine inside Apache Flink: {@link dev.fraudengine.flink.FraudStream} turns a stream of transactions
 * (and one of confirmed labels) into a stream of decisions, with each entity's feature state in Flink keyed state,
 * computed by the same feature code as the embedded engine, and the models and rules loaded once per task.
 */
package dev.fraudengine.flink;
