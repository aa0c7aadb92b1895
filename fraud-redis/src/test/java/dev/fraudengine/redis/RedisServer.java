package dev.fraudengine.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throw-away {@code redis-server} process on a free loopback port, without persistence, for one test class; skips
 * the test when no {@code redis-server} binary is found (on the PATH, or given by {@code -Dfraud.redis.server}).
 */
final class RedisServer implements AutoCloseable {
  static final String PROPERTY = "fraud.redis.server";

  private final Path binary;
  private final int port;
  private Process process;

  private RedisServer(Path binary, int port) {
    this.binary = binary;
    this.port = port;
  }

  /** Starts a server, or skips the calling test with a clear message when there is no binary. */
  static RedisServer start() throws IOException, InterruptedException {
    Path binary = find();
    assumeTrue(binary != null, "redis-server not found on the PATH (or -D" + PROPERTY + "=<path>); install it "
        + "with 'apt-get install -y redis-server' to run the Redis tests; skipping");
    RedisServer s = new RedisServer(binary, freePort());
    s.startProcess();
    return s;
  }

  private static Path find() {
    String override = System.getProperty(PROPERTY);
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override);
      return Files.isExecutable(p) ? p : null;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir, "redis-server");
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      Path p = Path.of(dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** (Re)starts the process on the same port and waits until it answers PING. */
  void startProcess() throws IOException, InterruptedException {
    process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (answers("PING", "+PONG")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue() + " on port " + port);
      }
      Thread.sleep(20);
    }
    throw new IOException("redis-server did not answer on port " + port + " within 10 s");
  }

  /** Stops the process (SIGKILL, like a crash) and waits for it. */
  void stopProcess() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
      process = null;
    }
  }

  /** Sends one inline command and returns whether the reply starts with {@code expected}. */
  boolean answers(String command, String expected) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[expected.length()];
      int n = 0;
      while (n < buf.length) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          return false;
        }
        n += r;
      }
      return new String(buf, StandardCharsets.US_ASCII).equals(expected);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      stopProcess();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
