package dev.fraudengine.core;

import dev.fraudengine.core.RuleParser.Arith;
import dev.fraudengine.core.RuleParser.Ast;
import dev.fraudengine.core.RuleParser.BoolLit;
import dev.fraudengine.core.RuleParser.Compare;
import dev.fraudengine.core.RuleParser.In;
import dev.fraudengine.core.RuleParser.InList;
import dev.fraudengine.core.RuleParser.IsMissing;
import dev.fraudengine.core.RuleParser.Logic;
import dev.fraudengine.core.RuleParser.Name;
import dev.fraudengine.core.RuleParser.Neg;
import dev.fraudengine.core.RuleParser.Not;
import dev.fraudengine.core.RuleParser.NumLit;
import dev.fraudengine.core.RuleParser.StrLit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compiles rule files into a {@link RuleSet}: one rule per line, checked against the feature schema, the models
 * and the named lists once, then evaluated as a tree of small evaluators (no reflection, no generated code, no
 * scripting engine), in time linear in the size of the rule.
 *
 * <pre>
 * # comments start with '#'
 * allow  if @trusted_cards contains card_id
 * block  if @blocked_devices contains device_id
 * hold   if card.distinct_devices_24h &gt;= 3 and amount &gt; 1000
 * review if card.txn_count_1h &gt; 10
 * score +0.15 if card.first_seen_device and amount &gt; 5 * card.avg_amount_30d
 * night_ecom: score +0.1 if hour &lt; 5 and channel in ["ecom", "moto"]
 * </pre>
 *
 * <p><b>Names.</b> Features by their schema name (numbers); model scores as {@code model.<id>}; case signals as
 * {@code cases.nearest_fraud_similarity} and {@code cases.fraud_share}; the transaction's fields: {@code amount},
 * {@code latitude}, {@code longitude}, {@code hour} (0–23, UTC) and {@code weekday} (1 = Monday … 7 = Sunday) as
 * numbers; {@code id}, {@code currency}, {@code card_id}, {@code terminal_id}, {@code payee_id}, {@code channel},
 * {@code merchant_category}, {@code device_id}, {@code ip}, {@code country} and {@code attributes.<key>} as texts;
 * named lists as {@code @name}.
 *
 * <p><b>Operators.</b> {@code + - * /} on numbers; {@code < <= > >= == !=} on numbers, {@code == !=} on texts;
 * {@code x in [1, 2]}, {@code x in ["a", "b"]}, {@code x in @list}, {@code @list contains x};
 * {@code and}, {@code or}, {@code not}, parentheses; {@code is_missing(name)}. A number used as a condition is true
 * when it is present and not zero (so {@code card.first_seen_device} reads as a flag).
 *
 * <p><b>Missing values.</b> A missing number is NaN and a missing text is absent. Every comparison with a missing
 * value is false, {@code !=} included, and so is {@code in}; arithmetic with a missing value gives a missing value.
 * {@code not} inverts the result as it is: {@code not (x > 5)} is true when {@code x} is missing. Test for missing
 * values explicitly with {@code is_missing(x)}.
 *
 * <p><b>Ids.</b> A line may name its rule: {@code name: action if ...}. Unnamed rules are called
 * {@code <action>_line<n>}; name the rules whose hits you track, so that the name survives edits of the file.
 *
 * <p><b>Errors.</b> {@link #compile} reports every error of the file at once in a {@link RuleCompileException},
 * each with its line, column and reason; an unknown name lists the nearest known names.
 *
 * <p>A compiler is immutable and thread-safe; the rules it makes are too.
 */
public final class RuleCompiler {
  private static final Set<String> MASKED = Set.of("card_id", "terminal_id", "payee_id", "device_id", "ip");
  private static final Map<String, Function<Transaction, String>> TEXT_FIELDS = new LinkedHashMap<>();
  private static final Map<String, NumField> NUMBER_FIELDS = new LinkedHashMap<>();

  /** Reads a number from a transaction. */
  @FunctionalInterface
  interface NumField {
    double get(Transaction tx);
  }

  static {
    NUMBER_FIELDS.put("amount", Transaction::amount);
    NUMBER_FIELDS.put("latitude", Transaction::latitude);
    NUMBER_FIELDS.put("longitude", Transaction::longitude);
    NUMBER_FIELDS.put("hour", tx -> Math.floorMod(tx.eventTime().getEpochSecond(), 86_400L) / 3_600);
    NUMBER_FIELDS.put("weekday", tx -> Math.floorMod(Math.floorDiv(tx.eventTime().getEpochSecond(), 86_400L) + 3, 7) + 1);
    TEXT_FIELDS.put("id", Transaction::id);
    TEXT_FIELDS.put("currency", Transaction::currency);
    TEXT_FIELDS.put("card_id", Transaction::cardId);
    TEXT_FIELDS.put("terminal_id", Transaction::terminalId);
    TEXT_FIELDS.put("payee_id", Transaction::payeeId);
    TEXT_FIELDS.put("channel", Transaction::channel);
    TEXT_FIELDS.put("merchant_category", Transaction::merchantCategory);
    TEXT_FIELDS.put("device_id", Transaction::deviceId);
    TEXT_FIELDS.put("ip", Transaction::ip);
    TEXT_FIELDS.put("country", Transaction::country);
  }

  private final FeatureSchema schema;
  private final Map<String, Integer> featureIndex;
  private final Set<String> models;
  private final NamedLists lists;

  private RuleCompiler(Builder b) {
    this.schema = b.schema;
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < schema.size(); i++) {
      index.put(schema.features().get(i), i);
    }
    this.featureIndex = Map.copyOf(index);
    this.models = Set.copyOf(b.models);
    this.lists = b.lists;
  }

  /**
   * Starts a builder: no features, no models, no lists until set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Compiles rules from text.
   *
   * @param version the rule set's version
   * @param source the rules, one per line
   * @return the compiled rule set
   * @throws RuleCompileException listing every error in the text
   * @throws IllegalArgumentException if the version is blank
   */
  public RuleSet compile(String version, String source) {
    return compile(version, source, "<string>");
  }

  /**
   * Compiles a rule file (UTF-8).
   *
   * @param version the rule set's version
   * @param file the rule file
   * @return the compiled rule set
   * @throws RuleCompileException listing every error in the file, named by its path
   * @throws UncheckedIOException if the file cannot be read
   */
  public RuleSet compile(String version, Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rules from " + file, e);
    }
    return compile(version, text, file.toString());
  }

  private RuleSet compile(String version, String source, String origin) {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(source, "source");
    List<RuleCompileError> errors = new ArrayList<>();
    List<Rule> rules = new ArrayList<>();
    Map<String, Integer> idLines = new HashMap<>();
    String[] lines = source.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = lines[i];
      List<RuleLexer.Token> tokens;
      try {
        tokens = RuleLexer.tokens(line);
      } catch (RuleLexer.LexError e) {
        errors.add(new RuleCompileError(lineNo, e.column, e.getMessage()));
        continue;
      }
      if (tokens.size() == 1) {
        continue;
      }
      RuleParser.Parsed parsed;
      try {
        parsed = RuleParser.parse(tokens);
      } catch (RuleParser.ParseError e) {
        errors.add(new RuleCompileError(lineNo, e.column, e.getMessage()));
        continue;
      }
      String id = parsed.id() != null ? parsed.id()
          : parsed.action().name().toLowerCase(java.util.Locale.ROOT) + "_line" + lineNo;
      Integer previous = idLines.putIfAbsent(id, lineNo);
      if (previous != null) {
        errors.add(new RuleCompileError(lineNo, 1, "rule '" + id + "' is already defined on line " + previous));
      }
      Scope scope = new Scope(lineNo, errors);
      Expr condition = scope.compile(parsed.condition());
      if (condition.type != Type.ERROR && condition.type == Type.TEXT) {
        errors.add(new RuleCompileError(lineNo, parsed.condition().column(),
            "a condition must be true or false, but this is a text"));
      } else if (condition.type != Type.ERROR && scope.ok) {
        String text = line.contains("#") ? line.substring(0, commentStart(line)).strip() : line.strip();
        rules.add(new CompiledRule(id, parsed.action(), parsed.weight(), text, condition.asBool(), schema,
            List.copyOf(scope.fields)));
      }
    }
    if (!errors.isEmpty()) {
      errors.sort(Comparator.comparingInt(RuleCompileError::line).thenComparingInt(RuleCompileError::column));
      throw new RuleCompileException(origin, errors);
    }
    return new RuleSet(version, rules);
  }

  private static int commentStart(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '#') {
        return i;
      }
    }
    return line.length();
  }

  enum Type { NUMBER, TEXT, BOOLEAN, ERROR }

  @FunctionalInterface
  interface NumFn {
    double eval(RuleContext c);
  }

  @FunctionalInterface
  interface TextFn {
    String eval(RuleContext c);
  }

  @FunctionalInterface
  interface BoolFn {
    boolean eval(RuleContext c);
  }

  /** A compiled, typed expression: exactly one of the functions is set, per its type. */
  static final class Expr {
    static final Expr ERROR = new Expr(Type.ERROR, null, null, null);
    final Type type;
    final NumFn num;
    final TextFn text;
    final BoolFn bool;

    private Expr(Type type, NumFn num, TextFn text, BoolFn bool) {
      this.type = type;
      this.num = num;
      this.text = text;
      this.bool = bool;
    }

    static Expr num(NumFn f) {
      return new Expr(Type.NUMBER, f, null, null);
    }

    static Expr text(TextFn f) {
      return new Expr(Type.TEXT, null, f, null);
    }

    static Expr bool(BoolFn f) {
      return new Expr(Type.BOOLEAN, null, null, f);
    }

    /** As a condition: booleans as they are; numbers are true when present and not zero. */
    BoolFn asBool() {
      if (type == Type.BOOLEAN) {
        return bool;
      }
      NumFn n = num;
      return c -> {
        double v = n.eval(c);
        return v == v && v != 0;
      };
    }
  }

  /** Compiles the conditions of one line, gathering its errors and the transaction fields it reads. */
  private final class Scope {
    final int line;
    final List<RuleCompileError> errors;
    final Set<String> fields = new LinkedHashSet<>();
    boolean ok = true;

    Scope(int line, List<RuleCompileError> errors) {
      this.line = line;
      this.errors = errors;
    }

    Expr error(int column, String message) {
      errors.add(new RuleCompileError(line, column, message));
      ok = false;
      return Expr.ERROR;
    }

    Expr compile(Ast ast) {
      if (ast instanceof NumLit n) {
        double v = n.value();
        return Expr.num(c -> v);
      } else if (ast instanceof StrLit s) {
        String v = s.value();
        return Expr.text(c -> v);
      } else if (ast instanceof BoolLit b) {
        boolean v = b.value();
        return Expr.bool(c -> v);
      } else if (ast instanceof Name n) {
        return name(n);
      } else if (ast instanceof Neg n) {
        Expr e = number(n.operand(), "'-'");
        if (e.type == Type.ERROR) {
          return e;
        }
        NumFn f = e.num;
        return Expr.num(c -> -f.eval(c));
      } else if (ast instanceof Arith a) {
        return arith(a);
      } else if (ast instanceof Compare cmp) {
        return compare(cmp);
      } else if (ast instanceof Logic l) {
        Expr left = condition(l.left(), l.and() ? "'and'" : "'or'");
        Expr right = condition(l.right(), l.and() ? "'and'" : "'or'");
        if (left.type == Type.ERROR || right.type == Type.ERROR) {
          return Expr.ERROR;
        }
        BoolFn x = left.asBool();
        BoolFn y = right.asBool();
        return l.and() ? Expr.bool(c -> x.eval(c) && y.eval(c)) : Expr.bool(c -> x.eval(c) || y.eval(c));
      } else if (ast instanceof Not n) {
        Expr e = condition(n.operand(), "'not'");
        if (e.type == Type.ERROR) {
          return e;
        }
        BoolFn f = e.asBool();
        return Expr.bool(c -> !f.eval(c));
      } else if (ast instanceof In in) {
        return in(in);
      } else if (ast instanceof InList in) {
        return inList(in);
      } else if (ast instanceof IsMissing m) {
        Expr e = name(m.name());
        if (e.type == Type.ERROR) {
          return e;
        }
        if (e.type == Type.NUMBER) {
          NumFn f = e.num;
          return Expr.bool(c -> Double.isNaN(f.eval(c)));
        }
        TextFn f = e.text;
        return Expr.bool(c -> f.eval(c) == null);
      }
      throw new IllegalStateException("unknown syntax node " + ast);
    }

    private Expr number(Ast ast, String what) {
      Expr e = compile(ast);
      if (e.type != Type.ERROR && e.type != Type.NUMBER) {
        return error(ast.column(), what + " needs a number, but this is " + describe(e.type));
      }
      return e;
    }

    private Expr condition(Ast ast, String what) {
      Expr e = compile(ast);
      if (e.type == Type.TEXT) {
        return error(ast.column(), what + " needs a condition, but this is a text");
      }
      return e;
    }

    private Expr arith(Arith a) {
      Expr l = number(a.left(), "'" + a.op() + "'");
      Expr r = number(a.right(), "'" + a.op() + "'");
      if (l.type == Type.ERROR || r.type == Type.ERROR) {
        return Expr.ERROR;
      }
      NumFn x = l.num;
      NumFn y = r.num;
      return switch (a.op()) {
        case '+' -> Expr.num(c -> x.eval(c) + y.eval(c));
        case '-' -> Expr.num(c -> x.eval(c) - y.eval(c));
        case '*' -> Expr.num(c -> x.eval(c) * y.eval(c));
        default -> Expr.num(c -> {
          double d = y.eval(c);
          return d == 0 ? Double.NaN : x.eval(c) / d;
        });
      };
    }

    private Expr compare(Compare cmp) {
      Expr l = compile(cmp.left());
      Expr r = compile(cmp.right());
      if (l.type == Type.ERROR || r.type == Type.ERROR) {
        return Expr.ERROR;
      }
      if (l.type == Type.TEXT && r.type == Type.TEXT) {
        TextFn x = l.text;
        TextFn y = r.text;
        return switch (cmp.op()) {
          case "==" -> Expr.bool(c -> {
            String a = x.eval(c);
            return a != null && a.equals(y.eval(c));
          });
          case "!=" -> Expr.bool(c -> {
            String a = x.eval(c);
            String b = y.eval(c);
            return a != null && b != null && !a.equals(b);
          });
          default -> error(cmp.column(), "texts compare with == and != only, not '" + cmp.op() + "'");
        };
      }
      if (l.type != Type.NUMBER || r.type != Type.NUMBER) {
        return error(cmp.column(), "cannot compare " + describe(l.type) + " with " + describe(r.type));
      }
      NumFn x = l.num;
      NumFn y = r.num;
      return switch (cmp.op()) {
        case "<" -> Expr.bool(c -> x.eval(c) < y.eval(c));
        case "<=" -> Expr.bool(c -> x.eval(c) <= y.eval(c));
        case ">" -> Expr.bool(c -> x.eval(c) > y.eval(c));
        case ">=" -> Expr.bool(c -> x.eval(c) >= y.eval(c));
        case "==" -> Expr.bool(c -> x.eval(c) == y.eval(c));
        default -> Expr.bool(c -> {
          double a = x.eval(c);
          double b = y.eval(c);
          return a == a && b == b && a != b;
        });
      };
    }

    private Expr in(In in) {
      Expr e = compile(in.operand());
      if (e.type == Type.ERROR) {
        return e;
      }
      if (e.type == Type.NUMBER) {
        double[] values = new double[in.items().size()];
        for (int i = 0; i < values.length; i++) {
          if (!(in.items().get(i) instanceof NumLit n)) {
            return error(in.items().get(i).column(), "a number is compared with a list of numbers, not texts");
          }
          values[i] = n.value();
        }
        NumFn f = e.num;
        return Expr.bool(c -> {
          double v = f.eval(c);
          for (double x : values) {
            if (v == x) {
              return true;
            }
          }
          return false;
        });
      }
      if (e.type == Type.TEXT) {
        Set<String> values = new HashSet<>();
        for (Ast item : in.items()) {
          if (!(item instanceof StrLit s)) {
            return error(item.column(), "a text is compared with a list of quoted texts, not numbers");
          }
          values.add(s.value());
        }
        Set<String> frozen = Set.copyOf(values);
        TextFn f = e.text;
        return Expr.bool(c -> {
          String v = f.eval(c);
          return v != null && frozen.contains(v);
        });
      }
      return error(in.column(), "'in' needs a number or a text on its left, but this is a condition");
    }

    private Expr inList(InList in) {
      NamedLists.Ref ref = lists == null ? null : lists.find(in.list());
      Expr e = compile(in.operand());
      if (ref == null) {
        Set<String> known = lists == null ? Set.of() : lists.names();
        return error(in.listColumn(), "unknown list '@" + in.list() + "'" + nearest(in.list(), known, "@"));
      }
      if (e.type == Type.ERROR) {
        return e;
      }
      if (e.type != Type.TEXT) {
        return error(in.operand().column(), "a list holds texts, but this is " + describe(e.type));
      }
      TextFn f = e.text;
      return Expr.bool(c -> ref.contains(f.eval(c)));
    }

    private Expr name(Name n) {
      String name = n.name();
      Integer index = featureIndex.get(name);
      if (index != null) {
        int i = index;
        return Expr.num(c -> c.feature(i));
      }
      if (name.startsWith("model.") && models.contains(name.substring(6))) {
        String id = name.substring(6);
        return Expr.num(c -> c.modelScore(id));
      }
      if (name.equals("cases.nearest_fraud_similarity")) {
        return Expr.num(RuleContext::nearestFraudSimilarity);
      }
      if (name.equals("cases.fraud_share")) {
        return Expr.num(RuleContext::fraudShare);
      }
      NumField numField = NUMBER_FIELDS.get(name);
      if (numField != null) {
        fields.add(name);
        return Expr.num(c -> numField.get(c.transaction()));
      }
      Function<Transaction, String> textField = TEXT_FIELDS.get(name);
      if (textField != null) {
        fields.add(name);
        return Expr.text(c -> textField.apply(c.transaction()));
      }
      if (name.startsWith("attributes.") && name.length() > "attributes.".length()) {
        String key = name.substring("attributes.".length());
        fields.add(name);
        return Expr.text(c -> c.transaction().attributes().get(key));
      }
      return error(n.column(), "unknown name '" + name + "'" + nearest(name, knownNames(), ""));
    }

    private Set<String> knownNames() {
      Set<String> known = new TreeSet<>(featureIndex.keySet());
      for (String m : models) {
        known.add("model." + m);
      }
      known.add("cases.nearest_fraud_similarity");
      known.add("cases.fraud_share");
      known.addAll(NUMBER_FIELDS.keySet());
      known.addAll(TEXT_FIELDS.keySet());
      return known;
    }
  }

  private static String describe(Type type) {
    return switch (type) {
      case NUMBER -> "a number";
      case TEXT -> "a text";
      case BOOLEAN -> "a condition";
      case ERROR -> "an error";
    };
  }

  /**
   * Lists up to three known names near an unknown one: within a small edit distance, or sharing at least half of
   * it as a prefix (so {@code blocked_card} finds {@code blocked_devices}); closest first.
   */
  static String nearest(String name, Set<String> known, String prefix) {
    int limit = Math.max(2, name.length() / 3);
    List<Map.Entry<String, Integer>> near = new ArrayList<>();
    for (String k : known) {
      int d = editDistance(name, k);
      if (d <= limit || commonPrefix(name, k) * 2 >= name.length()) {
        near.add(Map.entry(k, d));
      }
    }
    near.sort(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    if (near.isEmpty()) {
      return known.isEmpty() ? "" : "; known" + (prefix.isEmpty() ? " names" : " lists") + " include "
          + known.stream().limit(8).map(k -> prefix + k).toList();
    }
    return "; nearest: " + String.join(", ",
        near.stream().limit(3).map(e -> prefix + e.getKey()).toList());
  }

  private static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  /** Levenshtein distance, two rows. */
  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** A rule made by the compiler. */
  static final class CompiledRule implements Rule {
    private final String id;
    private final RuleAction action;
    private final double weight;
    private final String description;
    private final BoolFn condition;
    private final FeatureSchema schema;
    private final List<String> fields;

    CompiledRule(String id, RuleAction action, double weight, String description, BoolFn condition,
        FeatureSchema schema, List<String> fields) {
      this.id = id;
      this.action = action;
      this.weight = weight;
      this.description = description;
      this.condition = condition;
      this.schema = schema;
      this.fields = fields;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public RuleAction action() {
      return action;
    }

    @Override
    public double weight() {
      return weight;
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public boolean test(RuleContext ctx) {
      return condition.eval(ctx);
    }

    @Override
    public Map<String, Object> transactionValues(Transaction tx) {
      if (fields.isEmpty()) {
        return Map.of();
      }
      Object[] kv = new Object[fields.size() * 2];
      int n = 0;
      for (String f : fields) {
        Object v;
        NumField num = NUMBER_FIELDS.get(f);
        if (num != null) {
          v = num.get(tx);
        } else if (f.startsWith("attributes.")) {
          v = tx.attributes().get(f.substring("attributes.".length()));
        } else {
          String text = TEXT_FIELDS.get(f).apply(tx);
          v = text != null && MASKED.contains(f) ? TransactionValidator.show(text, true) : text;
        }
        if (v != null) {
          kv[n++] = f;
          kv[n++] = v;
        }
      }
      return Values.of(n == kv.length ? kv : java.util.Arrays.copyOf(kv, n));
    }

    @Override
    public void checkSchema(FeatureSchema engineSchema) {
      if (!schema.compatibleWith(engineSchema)) {
        throw new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH, "rule '" + id + "' was compiled for "
            + schema + ", but the engine's pipeline gives " + engineSchema);
      }
    }

    @Override
    public String toString() {
      return id + ": " + description;
    }
  }

  /** Builds a {@link RuleCompiler}. Not thread-safe. */
  public static final class Builder {
    private FeatureSchema schema = FeaturePipeline.none().schema();
    private final Set<String> models = new LinkedHashSet<>();
    private NamedLists lists;

    private Builder() {}

    /**
     * Sets the schema whose feature names rules may read; compiled rules then only run in engines with this
     * schema. Default: the empty schema of {@link FeaturePipeline#none()}.
     *
     * @param schema the feature pipeline's schema
     * @return this builder
     */
    public Builder schema(FeatureSchema schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /**
     * Declares model ids whose scores rules may read as {@code model.<id>}.
     *
     * @param modelIds the ids of the engine's models
     * @return this builder
     */
    public Builder models(String... modelIds) {
      for (String id : modelIds) {
        models.add(Objects.requireNonNull(id, "modelIds"));
      }
      return this;
    }

    /**
     * Sets the named lists rules may use; lists are bound by name, so their content can change later.
     *
     * @param lists the registry
     * @return this builder
     */
    public Builder lists(NamedLists lists) {
      this.lists = Objects.requireNonNull(lists, "lists");
      return this;
    }

    /**
     * Makes the compiler.
     *
     * @return an immutable compiler
     */
    public RuleCompiler build() {
      return new RuleCompiler(this);
    }
  }
}
