package dev.fraudengine.redis;

/*
 * The Lua scripts run in Redis. Each one is atomic: Redis runs no other command while a script runs, so the
 * read-modify-write of an entity by two service instances is serialised and neither update is lost.
 *
 * Layout, per entity (both keys share the hash tag {<key>}, hence the cluster slot):
 *   <prefix><namespace>:<entity>:{<key>}:e  a list of events in event-time order, each "time,txHash,label,labelTime,
 *                                           amount,latitude,longitude[,otherHash...]" (EventCodec)
 *   <prefix><namespace>:<entity>:{<key>}:m  a hash of the all-time fields: f (first time), l (latest time),
 *                                           lt/la/lo (time, latitude, longitude of the latest located event)
 * and per transaction that keeps labels:
 *   <prefix><namespace>:tx:{<id>}           a list: time, txHash, then the event-list keys it was recorded in
 */
final class Scripts {
  /*
   * KEYS: events, meta. ARGV: time, encoded event, retention ms, max events, ttl ms, latitude or '', longitude or ''.
   * Mirrors EntityState.record: update the all-time fields, prune events at or before (latest - retention), then the
   * oldest while the entity holds max events or more, insert the event after every event at or before its time
   * (unless it is itself pruned), refresh the TTL, and return the state as it was before:
   * {events, f, l, lt, la, lo, dropped} with '' for an absent field. LINSERT inserts before the first element
   * equal to the pivot, which is the pivot itself: an equal element has the same time, so it lies after it.
   */
  static final String RECORD = """
      local t = tonumber(ARGV[1])
      local events = redis.call('LRANGE', KEYS[1], 0, -1)
      local m = redis.call('HMGET', KEYS[2], 'f', 'l', 'lt', 'la', 'lo')
      local first = ARGV[1]
      if m[1] and tonumber(m[1]) < t then first = m[1] end
      local latest = ARGV[1]
      if m[2] and tonumber(m[2]) > t then latest = m[2] end
      redis.call('HSET', KEYS[2], 'f', first, 'l', latest)
      if ARGV[6] ~= '' and ((not m[3]) or t >= tonumber(m[3])) then
        redis.call('HSET', KEYS[2], 'lt', ARGV[1], 'la', ARGV[6], 'lo', ARGV[7])
      end
      local cutoff = tonumber(latest) - tonumber(ARGV[3])
      local n = #events
      local drop = 0
      while drop < n and tonumber(string.match(events[drop + 1], '^[^,]+')) <= cutoff do
        drop = drop + 1
      end
      local dropped = 0
      local maxEvents = tonumber(ARGV[4])
      while n - drop >= maxEvents do
        drop = drop + 1
        dropped = dropped + 1
      end
      if drop >= n then
        if n > 0 then redis.call('DEL', KEYS[1]) end
      elseif drop > 0 then
        redis.call('LTRIM', KEYS[1], drop, -1)
      end
      if t > cutoff then
        local pos = n + 1
        while pos > drop + 1 and tonumber(string.match(events[pos - 1], '^[^,]+')) > t do
          pos = pos - 1
        end
        if pos == n + 1 then
          redis.call('RPUSH', KEYS[1], ARGV[2])
        else
          redis.call('LINSERT', KEYS[1], 'BEFORE', events[pos], ARGV[2])
        end
      end
      if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
      redis.call('PEXPIRE', KEYS[2], ARGV[5])
      return {events, m[1] or '', m[2] or '', m[3] or '', m[4] or '', m[5] or '', dropped}
      """;

  /*
   * KEYS: events. ARGV: time, txHash, label code, label time. Sets the label of the oldest event with that time and
   * transaction-id hash (EntityState.applyLabel); returns 1 if found, else 0.
   */
  static final String LABEL = """
      local events = redis.call('LRANGE', KEYS[1], 0, -1)
      for i = 1, #events do
        local et, h, rest = string.match(events[i], '^([^,]*),([^,]*),[^,]*,[^,]*,(.*)$')
        if et == ARGV[1] and h == ARGV[2] then
          redis.call('LSET', KEYS[1], i - 1, et .. ',' .. h .. ',' .. ARGV[3] .. ',' .. ARGV[4] .. ',' .. rest)
          return 1
        end
      end
      return 0
      """;

  /* KEYS: index. ARGV: ttl ms, then the values (time, txHash, event-list keys). Replaces the entry atomically. */
  static final String INDEX = """
      redis.call('DEL', KEYS[1])
      redis.call('RPUSH', KEYS[1], unpack(ARGV, 2))
      redis.call('PEXPIRE', KEYS[1], ARGV[1])
      return 1
      """;

  private Scripts() {}
}
