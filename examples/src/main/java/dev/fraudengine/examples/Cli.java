package dev.fraudengine.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/* Small helpers shared by the commands: file checks, dates, exit codes. */
final class Cli {
  /** The run succeeded. */
  static final int OK = 0;
  /** The run failed: unreadable or invalid data, a model or I/O failure. */
  static final int FAILED = 1;
  /** Bad usage: an unknown or bad option, a missing file. */
  static final int USAGE = 2;
  /** A bad input line with --strict. */
  static final int BAD_INPUT = 3;

  private Cli() {}

  static void requireFiles(CommandSpec spec, List<Path> files, String option) {
    for (Path f : files) {
      requireFile(spec, f, option);
    }
  }

  static void requireFile(CommandSpec spec, Path f, String option) {
    if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a readable file, but '" + f
          + "' " + (Files.exists(f) ? "is not a readable file" : "does not exist"));
    }
  }

  static void requireModel(CommandSpec spec, Path dir) {
    try {
      ModelDirectory.metadata(dir);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The start of a UTC day, or null. */
  static Instant startOf(LocalDate d) {
    return d == null ? null : d.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The end (exclusive) of a UTC day given as an inclusive bound, or null. */
  static Instant endOf(LocalDate d) {
    return d == null ? null : d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  static void requireOrder(CommandSpec spec, LocalDate from, LocalDate to, String fromName, String toName) {
    if (from != null && to != null && to.isBefore(from)) {
      throw new CommandLine.ParameterException(spec.commandLine(), toName + " must not be before " + fromName
          + ", but was " + to + " < " + from);
    }
  }

  /** Reads a date as yyyy-MM-dd. */
  static final class DateConverter implements CommandLine.ITypeConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value.strip());
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("must be a date like 2018-08-08, but was '" + value + "'");
      }
    }
  }
}
