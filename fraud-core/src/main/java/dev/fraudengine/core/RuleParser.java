package dev.fraudengine.core;

import dev.fraudengine.core.RuleLexer.Kind;
import dev.fraudengine.core.RuleLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses one line of a rule file into a syntax tree, by recursive descent over the grammar:
 * <pre>
 * line       := [NAME ':'] action 'if' or
 * action     := 'allow' | 'block' | 'hold' | 'review' | 'score' ('+' | '-') NUMBER
 * or         := and ('or' and)*
 * and        := not ('and' not)*
 * not        := 'not' not | comparison
 * comparison := sum [('&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '==' | '!=') sum | 'in' ('[' literal (',' literal)* ']' | LIST)]
 * sum        := product (('+' | '-') product)*
 * product    := unary (('*' | '/') unary)*
 * unary      := '-' unary | primary
 * primary    := NUMBER | TEXT | 'true' | 'false' | NAME | 'is_missing' '(' NAME ')' | LIST 'contains' sum | '(' or ')'
 * </pre>
 * Each level consumes tokens left to right once: parsing is linear in the length of the line.
 */
final class RuleParser {
  static final Set<String> KEYWORDS =
      Set.of("if", "and", "or", "not", "in", "contains", "true", "false", "is_missing");

  sealed interface Ast permits NumLit, StrLit, BoolLit, Name, Neg, Arith, Compare, Logic, Not, In, InList,
      IsMissing {
    int column();
  }

  record NumLit(double value, int column) implements Ast {}

  record StrLit(String value, int column) implements Ast {}

  record BoolLit(boolean value, int column) implements Ast {}

  record Name(String name, int column) implements Ast {}

  record Neg(Ast operand, int column) implements Ast {}

  record Arith(char op, Ast left, Ast right, int column) implements Ast {}

  record Compare(String op, Ast left, Ast right, int column) implements Ast {}

  record Logic(boolean and, Ast left, Ast right, int column) implements Ast {}

  record Not(Ast operand, int column) implements Ast {}

  record In(Ast operand, List<Ast> items, int column) implements Ast {}

  record InList(Ast operand, String list, int listColumn, int column) implements Ast {}

  record IsMissing(Name name, int column) implements Ast {}

  /** A parsed rule line. {@code id} is {@code null} when the line names none. */
  record Parsed(String id, RuleAction action, double weight, int actionColumn, Ast condition) {}

  /** A syntax error at a column. */
  static final class ParseError extends Exception {
    private static final long serialVersionUID = 1L;
    final int column;

    ParseError(int column, String message) {
      super(message, null, false, false);
      this.column = column;
    }
  }

  private final List<Token> tokens;
  private int pos;

  private RuleParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** Parses the tokens of one line (ending with END). */
  static Parsed parse(List<Token> tokens) throws ParseError {
    return new RuleParser(tokens).line();
  }

  private Parsed line() throws ParseError {
    String id = null;
    if (peek().kind() == Kind.IDENT && tokens.get(pos + 1).is(":")) {
      Token name = next();
      if (KEYWORDS.contains(name.text()) || name.text().contains(".")) {
        throw new ParseError(name.column(), "'" + name.text() + "' cannot name a rule");
      }
      id = name.text();
      next();
    }
    Token action = next();
    RuleAction kind;
    double weight = 0;
    switch (action.kind() == Kind.IDENT ? action.text() : "") {
      case "allow" -> kind = RuleAction.ALLOW;
      case "block" -> kind = RuleAction.BLOCK;
      case "hold" -> kind = RuleAction.HOLD;
      case "review" -> kind = RuleAction.REVIEW;
      case "score" -> {
        kind = RuleAction.SCORE;
        Token sign = next();
        if (!sign.is("+") && !sign.is("-")) {
          throw new ParseError(sign.column(), "'score' needs a signed weight, e.g. 'score +0.15 if ...', but found '"
              + sign.text() + "'");
        }
        Token number = next();
        if (number.kind() != Kind.NUMBER) {
          throw new ParseError(number.column(), "expected a weight after '" + sign.text() + "', but found '"
              + number.text() + "'");
        }
        weight = sign.is("-") ? -number.number() : number.number();
        if (!(weight >= -1 && weight <= 1) || weight == 0) {
          throw new ParseError(sign.column(), "a score weight must be in [-1, 1] and non-zero, but was " + weight);
        }
      }
      default -> throw new ParseError(action.column(),
          "expected an action (allow, block, hold, review, score), but found '" + action.text() + "'");
    }
    expect("if");
    Ast condition = or();
    if (peek().kind() != Kind.END) {
      throw new ParseError(peek().column(), "unexpected '" + peek().text() + "' after the condition");
    }
    return new Parsed(id, kind, weight, action.column(), condition);
  }

  private Ast or() throws ParseError {
    Ast left = and();
    while (peek().is("or")) {
      int column = next().column();
      left = new Logic(false, left, and(), column);
    }
    return left;
  }

  private Ast and() throws ParseError {
    Ast left = not();
    while (peek().is("and")) {
      int column = next().column();
      left = new Logic(true, left, not(), column);
    }
    return left;
  }

  private Ast not() throws ParseError {
    if (peek().is("not")) {
      int column = next().column();
      return new Not(not(), column);
    }
    return comparison();
  }

  private Ast comparison() throws ParseError {
    Ast left = sum();
    Token t = peek();
    if (t.kind() == Kind.OP && (t.is("<") || t.is("<=") || t.is(">") || t.is(">=") || t.is("==") || t.is("!="))) {
      next();
      return new Compare(t.text(), left, sum(), t.column());
    }
    if (t.is("in")) {
      next();
      Token open = next();
      if (open.kind() == Kind.LIST) {
        return new InList(left, open.text(), open.column(), t.column());
      }
      if (!open.is("[")) {
        throw new ParseError(open.column(), "expected '[' or a list (@name) after 'in', but found '" + open.text()
            + "'");
      }
      List<Ast> items = new ArrayList<>();
      while (true) {
        Token item = next();
        boolean negative = false;
        if (item.is("-")) {
          negative = true;
          item = next();
        }
        switch (item.kind()) {
          case NUMBER -> items.add(new NumLit(negative ? -item.number() : item.number(), item.column()));
          case STRING -> {
            if (negative) {
              throw new ParseError(item.column(), "'-' before text");
            }
            items.add(new StrLit(item.text(), item.column()));
          }
          default -> throw new ParseError(item.column(), "a list in [..] holds numbers or quoted texts, but found '"
              + item.text() + "'");
        }
        if (!peek().is(",")) {
          break;
        }
        next();
      }
      expect("]");
      return new In(left, List.copyOf(items), t.column());
    }
    return left;
  }

  private Ast sum() throws ParseError {
    Ast left = product();
    while (peek().is("+") || peek().is("-")) {
      Token op = next();
      left = new Arith(op.text().charAt(0), left, product(), op.column());
    }
    return left;
  }

  private Ast product() throws ParseError {
    Ast left = unary();
    while (peek().is("*") || peek().is("/")) {
      Token op = next();
      left = new Arith(op.text().charAt(0), left, unary(), op.column());
    }
    return left;
  }

  private Ast unary() throws ParseError {
    if (peek().is("-")) {
      int column = next().column();
      return new Neg(unary(), column);
    }
    return primary();
  }

  private Ast primary() throws ParseError {
    Token t = next();
    switch (t.kind()) {
      case NUMBER:
        return new NumLit(t.number(), t.column());
      case STRING:
        return new StrLit(t.text(), t.column());
      case LIST: {
        Token contains = next();
        if (!contains.is("contains")) {
          throw new ParseError(contains.column(), "expected 'contains' after @" + t.text() + ", but found '"
              + contains.text() + "'");
        }
        return new InList(sum(), t.text(), t.column(), contains.column());
      }
      case IDENT:
        if (t.is("true") || t.is("false")) {
          return new BoolLit(t.is("true"), t.column());
        }
        if (t.is("is_missing")) {
          expect("(");
          Token name = next();
          if (name.kind() != Kind.IDENT || KEYWORDS.contains(name.text())) {
            throw new ParseError(name.column(), "is_missing(..) takes a name, but found '" + name.text() + "'");
          }
          expect(")");
          return new IsMissing(new Name(name.text(), name.column()), t.column());
        }
        if (KEYWORDS.contains(t.text())) {
          throw new ParseError(t.column(), "expected a value, but found '" + t.text() + "'");
        }
        return new Name(t.text(), t.column());
      case OP:
        if (t.is("(")) {
          Ast inner = or();
          expect(")");
          return inner;
        }
        throw new ParseError(t.column(), "expected a value, but found '" + t.text() + "'");
      default:
        throw new ParseError(t.column(), "expected a value, but found the end of the line");
    }
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind() != Kind.END) {
      pos++;
    }
    return t;
  }

  private void expect(String text) throws ParseError {
    Token t = next();
    if (!t.is(text)) {
      throw new ParseError(t.column(), "expected '" + text + "', but found '" + t.text() + "'");
    }
  }
}
