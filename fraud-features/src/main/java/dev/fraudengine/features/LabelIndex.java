package dev.fraudengine.features;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * Finds, from a transaction id given to feedback, the events its label belongs to: the event time, the id's hash
 * and the keys and states of the entities that keep labels. Entries are kept in arrival order (close to event-time order,
 * within the allowed lateness) and dropped once no label-delayed window can reach them any more
 * (time <= watermark - retention), or, oldest first, beyond a size bound (counted).
 *
 * Thread-safe: one lock; each operation is a hash-map access.
 */
final class LabelIndex {
  /**
   * One remembered transaction: its time and id hash, and per label-keeping entity its key (for snapshots) and
   * the state object it was recorded in. Holding the state itself spares a map lookup per label; if that state
   * has been evicted since, the event is gone with it and the label is rightly applied to nothing that matters.
   */
  record Entry(long time, int txHash, String[] keys, EntityState[] states) {}

  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1 << 12);
  private final long retention;
  private final long maxEntries;
  private long evicted;

  LabelIndex(long retention, long maxEntries) {
    this.retention = retention;
    this.maxEntries = maxEntries;
  }

  synchronized void put(String id, Entry e, long watermark) {
    entries.put(id, e);
    long cutoff = watermark - retention;
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      Entry oldest = it.next();
      if (oldest.time() <= cutoff) {
        it.remove();
      } else if (entries.size() > maxEntries) {
        it.remove();
        evicted++;
      } else {
        break;
      }
    }
  }

  synchronized Entry get(String id) {
    return entries.get(id);
  }

  synchronized long evicted() {
    return evicted;
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized List<Map.Entry<String, Entry>> entries() {
    return new ArrayList<>(entries.entrySet());
  }

  synchronized void clear() {
    entries.clear();
  }

  synchronized void putAll(List<Map.Entry<String, Entry>> restored) {
    for (Map.Entry<String, Entry> e : restored) {
      entries.put(e.getKey(), e.getValue());
    }
  }
}
