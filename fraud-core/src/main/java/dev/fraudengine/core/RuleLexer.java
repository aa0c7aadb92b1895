package dev.fraudengine.core;

import java.util.ArrayList;
import java.util.List;

/** Splits one line of a rule file into tokens; reports the first character it cannot read. */
final class RuleLexer {

  enum Kind { IDENT, NUMBER, STRING, LIST, OP, END }

  record Token(Kind kind, String text, double number, int column) {
    boolean is(String s) {
      return (kind == Kind.OP || kind == Kind.IDENT) && text.equals(s);
    }
  }

  /** A character the lexer cannot read, at a column. */
  static final class LexError extends Exception {
    private static final long serialVersionUID = 1L;
    final int column;

    LexError(int column, String message) {
      super(message, null, false, false);
      this.column = column;
    }
  }

  private RuleLexer() {}

  /** Returns the tokens of a line, comments dropped, ending with an END token. */
  static List<Token> tokens(String line) throws LexError {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        break;
      } else if (isDigit(c) || c == '.' && i + 1 < n && isDigit(line.charAt(i + 1))) {
        int start = i;
        while (i < n && (isDigit(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == '.')) {
          i++;
        }
        if (i < n && (line.charAt(i) == 'e' || line.charAt(i) == 'E')) {
          i++;
          if (i < n && (line.charAt(i) == '+' || line.charAt(i) == '-')) {
            i++;
          }
          while (i < n && isDigit(line.charAt(i))) {
            i++;
          }
        }
        String text = line.substring(start, i);
        double value;
        try {
          value = Double.parseDouble(text.replace("_", ""));
        } catch (NumberFormatException e) {
          throw new LexError(start + 1, "malformed number '" + text + "'");
        }
        if (i < n && isIdentStart(line.charAt(i))) {
          throw new LexError(i + 1, "unexpected '" + line.charAt(i) + "' after number " + text);
        }
        out.add(new Token(Kind.NUMBER, text, value, start + 1));
      } else if (isIdentStart(c)) {
        int start = i;
        i = identEnd(line, i);
        out.add(new Token(Kind.IDENT, line.substring(start, i), 0, start + 1));
      } else if (c == '@') {
        int start = i++;
        if (i >= n || !isIdentStart(line.charAt(i))) {
          throw new LexError(start + 1, "'@' must be followed by a list name, e.g. @blocked_cards");
        }
        i = identEnd(line, i);
        out.add(new Token(Kind.LIST, line.substring(start + 1, i), 0, start + 1));
      } else if (c == '\'' || c == '"') {
        int start = i++;
        StringBuilder sb = new StringBuilder();
        while (i < n && line.charAt(i) != c) {
          sb.append(line.charAt(i++));
        }
        if (i >= n) {
          throw new LexError(start + 1, "unterminated text: missing closing " + c);
        }
        i++;
        out.add(new Token(Kind.STRING, sb.toString(), 0, start + 1));
      } else {
        String two = i + 1 < n ? line.substring(i, i + 2) : "";
        if (two.equals("<=") || two.equals(">=") || two.equals("==") || two.equals("!=")) {
          out.add(new Token(Kind.OP, two, 0, i + 1));
          i += 2;
        } else if ("<>+-*/()[],:".indexOf(c) >= 0) {
          out.add(new Token(Kind.OP, String.valueOf(c), 0, i + 1));
          i++;
        } else if (c == '=') {
          throw new LexError(i + 1, "'=' is not an operator: compare with '=='");
        } else if (c == '&' || c == '|' || c == '!') {
          throw new LexError(i + 1, "'" + c + "' is not an operator: use 'and', 'or', 'not'");
        } else {
          throw new LexError(i + 1, "unexpected character '" + c + "'");
        }
      }
    }
    out.add(new Token(Kind.END, "end of line", 0, n + 1));
    return out;
  }

  private static int identEnd(String line, int i) {
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '_') {
        i++;
      } else if (c == '.' && i + 1 < n && (Character.isLetterOrDigit(line.charAt(i + 1)) || line.charAt(i + 1) == '_')) {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_';
  }
}
