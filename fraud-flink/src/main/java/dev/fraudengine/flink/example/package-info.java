/**
 * A runnable example: {@link dev.fraudengine.flink.example.HandbookJob} scores the Fraud Detection Handbook's
 * transactions with the handbook features and a small rule set, on a local or a real Flink cluster.
 */
package dev.fraudengine.flink.example;
