/**
 * JMH benchmarks of fraud-engine, one class per question: {@link dev.fraudengine.bench.EngineScoreBenchmark}
 * measures what {@link dev.fraudengine.core.FraudEngine#score} costs on top of its components. Each class builds
 * seeded, realistic data in its {@code @Setup}, has a baseline method to read its figures against, and says in
 * its Javadoc what it measures and the exact command that runs it; the figures, with the machine and JDK they
 * were taken on, are in this module's {@code README.md}. Latency only: detection quality is measured by a
 * separate replay program, not here.
 */
package dev.fraudengine.bench;
