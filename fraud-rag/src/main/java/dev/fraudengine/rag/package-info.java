/**
 * The case store of fraud-engine: the engine's memory of confirmed fraud and legitimate transactions, searched by
 * similarity on every decision. {@link dev.fraudengine.rag.InMemoryCaseStore} implements the core
 * {@link dev.fraudengine.core.CaseStore} extension point with exact and approximate (JVector) nearest-neighbour
 * search, point-in-time visibility of labels, and an optional crash-safe log; {@link dev.fraudengine.rag.Embedder}
 * turns feature vectors into search vectors; {@link dev.fraudengine.rag.CaseContext} renders a decision with its
 * evidence as text; {@link dev.fraudengine.rag.CaseExplainer} optionally asks a chat-completions endpoint to
 * explain it. Implementation classes are package-private.
 */
package dev.fraudengine.rag;
