package io.tributary.distribution;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the *IT tests do with a server process they started: wait for it, pick ports, read its log. */
final class ServerProcesses {

  private ServerProcesses() {}

  /** The assembled distribution the ITs boot. */
  static final Path DISTRIBUTION = Path.of(System.getProperty("tributary.distribution.dir", "target/tributary"));
  static final Path LAUNCHER = DISTRIBUTION.resolve("bin/tributary");
  /** The admin token every launched server is given (TRIBUTARY_ADMIN_TOKEN). */
  static final String ADMIN_TOKEN = "trb_distribution-test-admin-token-42";

  /**
   * Starts {@code launcher} with {@code args} in {@code dir}, its output to {@code log}, with no
   * TRIBUTARY_* variable of the machine running the test but {@link #ADMIN_TOKEN}; adds the process
   * to {@code started}, for the test to kill what it left running.
   */
  static Process start(Path launcher, Path dir, Path log, List<String> args, List<Process> started)
      throws IOException {
    return start(launcher, dir, log, args, java.util.Map.of(), started);
  }

  /** As {@link #start(Path, Path, Path, List, List)}, with {@code env} added to the process's environment. */
  static Process start(Path launcher, Path dir, Path log, List<String> args, java.util.Map<String, String> env,
      List<Process> started) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(launcher.toAbsolutePath().toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // The test decides every setting: no TRIBUTARY_* from the machine running it.
    builder.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
    builder.environment().put("TRIBUTARY_ADMIN_TOKEN", ADMIN_TOKEN);
    builder.environment().putAll(env);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /**
   * Waits until the server answers {@code /api/v1/health} on {@code port}; fails with its log if
   * it exits first or does not answer within {@code timeout}.
   */
  static HttpResponse<String> awaitHealth(Process server, int port, Path log, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/health"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        fail("server exited with %d before answering; log:%n%s", server.exitValue(), readQuietly(log));
      }
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    return fail("no answer on /api/v1/health within %s; log:%n%s", timeout, readQuietly(log));
  }

  /** A port free just now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** The log's text, or a note saying why there is none. */
  static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
