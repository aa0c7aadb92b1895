package dev.fraudengine.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * Named sets of values that rules test membership in: blocked cards, trusted devices, risky countries...
 *
 * <p>A rule names a list as {@code @blocked_cards}; the {@link RuleCompiler} binds the rule to the list by name
 * once, so a list must be {@linkplain #define defined} (possibly empty) before rules that use it are compiled.
 * {@link #replace} swaps a list's whole content atomically: a decision sees either the old content or the new,
 * never a mix, and the rules need not be compiled again.
 *
 * <p>Files hold one value per line; blank lines and lines starting with {@code #} are ignored; values are
 * trimmed. Thread-safe.
 */
public final class NamedLists {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  /** One list: its content, swapped as a whole. */
  static final class Ref {
    final String name;
    volatile Set<String> values;

    Ref(String name, Set<String> values) {
      this.name = name;
      this.values = values;
    }

    boolean contains(String value) {
      return value != null && values.contains(value);
    }
  }

  private final ConcurrentMap<String, Ref> lists = new ConcurrentHashMap<>();

  /** Creates a registry with no lists. */
  public NamedLists() {}

  /**
   * Defines a list, or replaces the content of an existing one.
   *
   * @param name the list's name, lower snake case, e.g. {@code blocked_cards}
   * @param values its values
   * @return this registry
   * @throws IllegalArgumentException if the name is not lower snake case or a value is blank
   */
  public NamedLists define(String name, Collection<String> values) {
    checkName(name);
    Set<String> copy = copy(name, values);
    lists.compute(name, (k, ref) -> {
      if (ref == null) {
        return new Ref(name, copy);
      }
      ref.values = copy;
      return ref;
    });
    return this;
  }

  /**
   * Replaces the whole content of an existing list, atomically.
   *
   * @param name the list's name
   * @param values the new content
   * @throws IllegalArgumentException if there is no such list or a value is blank; the list is then unchanged
   */
  public void replace(String name, Collection<String> values) {
    Ref ref = ref(name);
    ref.values = copy(name, values);
  }

  /**
   * Loads a list from a file, defining it or replacing its content atomically.
   *
   * @param name the list's name
   * @param file one value per line, {@code #} comments
   * @return this registry
   * @throws IllegalArgumentException if the name is bad or a value in the file is blank
   * @throws java.io.UncheckedIOException if the file cannot be read; the list is then unchanged
   */
  public NamedLists load(String name, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read list '" + name + "' from " + file, e);
    }
    Set<String> values = new HashSet<>();
    for (String line : lines) {
      String v = line.strip();
      if (!v.isEmpty() && !v.startsWith("#")) {
        values.add(v);
      }
    }
    return define(name, values);
  }

  /**
   * Returns the current content of a list.
   *
   * @param name the list's name
   * @return an immutable snapshot of its values
   * @throws IllegalArgumentException if there is no such list
   */
  public Set<String> get(String name) {
    return ref(name).values;
  }

  /**
   * Returns the names of the defined lists.
   *
   * @return the names, sorted
   */
  public Set<String> names() {
    return new TreeSet<>(lists.keySet());
  }

  Ref ref(String name) {
    Ref ref = lists.get(Objects.requireNonNull(name, "name"));
    if (ref == null) {
      throw new IllegalArgumentException("no list named '" + name + "'; defined lists: " + names());
    }
    return ref;
  }

  /** Returns the list, or {@code null} when it is not defined: for the compiler, which reports it. */
  Ref find(String name) {
    return lists.get(name);
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("list name must be lower snake case ([a-z][a-z0-9_]*), but was '"
          + name + "'");
    }
  }

  private static Set<String> copy(String name, Collection<String> values) {
    Objects.requireNonNull(values, "values");
    for (String v : values) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("list '" + name + "' must not hold blank values, but holds '" + v + "'");
      }
    }
    return Set.copyOf(values);
  }
}
