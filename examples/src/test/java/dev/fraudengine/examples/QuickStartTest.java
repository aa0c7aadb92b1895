package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  private static final Path MODULE = Path.of(System.getProperty("user.dir"));

  @Test
  void readme_quickStart_isTheCompiledExampleUnchanged() throws IOException {
    String source = Files.readString(MODULE.resolve("src/main/java/dev/fraudengine/examples/QuickStart.java"));
    String snippet = source.substring(source.indexOf("// quick-start:begin\n") + "// quick-start:begin\n".length(),
        source.indexOf("// quick-start:end")).strip();
    String readme = Files.readString(MODULE.resolve("../README.md"));

    assertThat(readme).contains("```java\n" + snippet + "\n```");
  }

  @Test
  void quickStart_runs_andReviewsTheLargePayment() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[0]);
    } finally {
      System.setOut(original);
    }

    assertThat(buffer.toString(StandardCharsets.UTF_8)).startsWith("REVIEW ").contains("RULE_REVIEW")
        .contains("large-amount");
  }
}
