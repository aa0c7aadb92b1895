package dev.fraudengine.redis;

import dev.fraudengine.core.Label;
import dev.fraudengine.features.EntityStore;
import java.util.ArrayList;
import java.util.List;

/*
 * Text encoding of events and histories in Redis. An event is "time,txHash,label,labelTime,amount,latitude,longitude"
 * followed by ",hash" per other-entity column: the time first, so that the scripts can order and prune by it, and
 * the label fields at fixed places, so that the label script can rewrite them. Doubles are written with
 * Double.toString, which parses back to the same value.
 */
final class EventCodec {
  private EventCodec() {}

  static String encode(EntityStore.Event e) {
    StringBuilder b = new StringBuilder(48);
    b.append(e.time()).append(',').append(e.txHash()).append(',').append(labelCode(e.label())).append(',')
        .append(e.labelTime()).append(',').append(e.amount()).append(',').append(e.latitude()).append(',')
        .append(e.longitude());
    for (int h : e.others()) {
      b.append(',').append(h);
    }
    return b.toString();
  }

  static EntityStore.Event decode(String s) {
    String[] f = s.split(",", -1);
    if (f.length < 7) {
      throw new IllegalArgumentException("event must have at least 7 fields, but was '" + s + "'");
    }
    int[] others = new int[f.length - 7];
    for (int i = 0; i < others.length; i++) {
      others[i] = Integer.parseInt(f[7 + i]);
    }
    return new EntityStore.Event(Long.parseLong(f[0]), Double.parseDouble(f[4]), Integer.parseInt(f[1]),
        label(f[2]), Long.parseLong(f[3]), others, Double.parseDouble(f[5]), Double.parseDouble(f[6]));
  }

  static String labelCode(Label label) {
    return label == null ? "0" : label == Label.FRAUD ? "1" : "2";
  }

  private static Label label(String code) {
    return switch (code) {
      case "0" -> null;
      case "1" -> Label.FRAUD;
      case "2" -> Label.LEGITIMATE;
      default -> throw new IllegalArgumentException("label code must be 0, 1 or 2, but was '" + code + "'");
    };
  }

  /** Decodes the reply of the record script: {events, f, l, lt, la, lo, dropped}. */
  static EntityStore.Recorded decodeRecorded(List<?> reply) {
    if (reply.size() != 7) {
      throw new IllegalArgumentException("record reply must have 7 elements, but had " + reply.size());
    }
    List<?> raw = (List<?>) reply.get(0);
    List<EntityStore.Event> events = new ArrayList<>(raw.size());
    for (Object o : raw) {
      events.add(decode((String) o));
    }
    EntityStore.History h = new EntityStore.History(events,
        longOr(reply.get(1), Long.MAX_VALUE), longOr(reply.get(2), Long.MIN_VALUE),
        longOr(reply.get(3), Long.MIN_VALUE), doubleOr(reply.get(4)), doubleOr(reply.get(5)));
    return new EntityStore.Recorded(h, ((Number) reply.get(6)).intValue());
  }

  private static long longOr(Object o, long absent) {
    String s = (String) o;
    return s == null || s.isEmpty() ? absent : Long.parseLong(s);
  }

  private static double doubleOr(Object o) {
    String s = (String) o;
    return s == null || s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }
}
