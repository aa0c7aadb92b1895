/**
 * Shared per-entity feature state in Redis for fraud-engine: {@link dev.fraudengine.redis.RedisEntityStore}
 * implements the {@link dev.fraudengine.features.EntityStore} SPI with one Lua script per entity (an atomic
 * append, prune and read, pipelined across the entities of a transaction), so that every instance of a service
 * computes its velocity features over the same state. Everything else is package-private.
 */
package dev.fraudengine.redis;
