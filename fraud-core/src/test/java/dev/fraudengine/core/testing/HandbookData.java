package dev.fraudengine.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the Fraud Detection Handbook data folder outside the repository, or skips the calling test: the data is
 * third-party and never copied into the repository, so tests that need it skip where it is absent.
 */
public final class HandbookData {
  /** The system property that names the data folder. */
  public static final String PROPERTY = "fraud.data.dir";

  private HandbookData() {}

  /**
   * Returns the folder holding the handbook files: the system property {@code fraud.data.dir} if set, else the
   * first {@code shared/data/fdh} found walking up from the working directory (the repository's sibling
   * {@code ../shared/data/fdh}). Skips the test when there is none or it lacks the file.
   *
   * @param fileName the file the test needs, e.g. {@code transactions-2018-04-to-08.csv.gz}
   * @return the folder holding it
   */
  public static Path require(String fileName) {
    String override = System.getProperty(PROPERTY);
    Path dir = null;
    if (override != null && !override.isBlank()) {
      dir = Path.of(override);
    } else {
      for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
        Path candidate = d.resolve("shared").resolve("data").resolve("fdh");
        if (Files.isDirectory(candidate)) {
          dir = candidate;
          break;
        }
      }
    }
    assumeTrue(dir != null && Files.isRegularFile(dir.resolve(fileName)),
        "handbook data not found: set -D" + PROPERTY + "=<folder> or put " + fileName
            + " under ../shared/data/fdh next to the repository; skipping");
    return dir;
  }
}
