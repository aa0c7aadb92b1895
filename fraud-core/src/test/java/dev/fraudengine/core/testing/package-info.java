/**
 * Shared test fixtures, published in fraud-core's test-jar for the other modules: valid transactions and seeded
 * streams, a clock that stands still, small models and a stateful pipeline.
 */
package dev.fraudengine.core.testing;
