/**
 * ONNX models through ONNX Runtime: {@link dev.fraudengine.models.onnx.OnnxModel} scores any binary classifier in
 * an ONNX file (probabilities as [N, 2], [N, 1] or scikit-learn's sequence of maps); the project's own anomaly
 * model is an autoencoder trained in pure Java on legitimate transactions ({@link
 * dev.fraudengine.models.onnx.AutoencoderTrainer}, {@link dev.fraudengine.models.onnx.Autoencoder}), exported to
 * ONNX by a hand-written protobuf encoder (no Python, no protobuf library) and scored through ONNX Runtime ({@link
 * dev.fraudengine.models.onnx.AutoencoderModel}). Only this package refers to ONNX Runtime, an optional dependency
 * of the module: a service that scores gradient-boosted trees alone never loads it.
 */
package dev.fraudengine.models.onnx;
