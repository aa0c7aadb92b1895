/**
 * Training of gradient-boosted trees with XGBoost4J: {@link dev.fraudengine.models.training.XGBoostTrainer} turns a
 * {@link dev.fraudengine.models.training.TrainingData} matrix into a model directory that
 * {@link dev.fraudengine.models.GradientBoostedTrees#loadDirectory} reads. This is the only package of the module
 * that uses XGBoost4J (an optional dependency); the scoring path never loads it.
 */
package dev.fraudengine.models.training;
