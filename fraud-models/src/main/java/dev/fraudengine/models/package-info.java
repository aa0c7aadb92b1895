/**
 * Models for the fraud engine's model SPI: gradient-boosted trees saved by XGBoost in its JSON format and
 * scored in pure Java ({@link dev.fraudengine.models.GradientBoostedTrees}, with path attribution and exact
 * TreeSHAP explanations), calibration of scores to probabilities and to a stable 0–100 scale, model metadata,
 * and the evaluation metrics used to judge detection quality ({@link dev.fraudengine.models.Metrics}). Nothing in
 * this package loads native code or refers to XGBoost4J: a service that only scores needs this module, fraud-core
 * and Jackson. Training with XGBoost4J lives in {@code dev.fraudengine.models.training}.
 */
package dev.fraudengine.models;
