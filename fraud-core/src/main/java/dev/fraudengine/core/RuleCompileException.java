package dev.fraudengine.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a rule file does not compile: lists every error in the file, each with its line and column, as a
 * compiler does.
 */
public class RuleCompileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The errors, in file order. */
  private final List<RuleCompileError> errors;

  /**
   * Creates the exception.
   *
   * @param source where the rules came from (a file name, or {@code "<string>"})
   * @param errors every error found; not empty
   */
  public RuleCompileException(String source, List<RuleCompileError> errors) {
    super(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in rules " + source + ":\n"
        + errors.stream().map(e -> "  " + source + ":" + e.line() + ":" + e.column() + ": " + e.message())
            .collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  /**
   * Returns every error found.
   *
   * @return the errors in file order, never empty
   */
  public List<RuleCompileError> errors() {
    return errors;
  }
}
