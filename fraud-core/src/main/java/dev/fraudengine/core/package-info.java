/**
 * The public API of fraud-engine: the {@link dev.fraudengine.core.Transaction} a service sends, the
 * {@link dev.fraudengine.core.Decision} it gets back, the {@link dev.fraudengine.core.FraudEngine} that makes
 * one from the other, and the small interfaces through which features, models, similar cases, rules and
 * listeners plug into it. Every type here is either an immutable value or documents its own thread-safety.
 */
package dev.fraudengine.core;
