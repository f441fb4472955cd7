package io.tributary.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL server for the store tests, once per test JVM. With {@code TRIBUTARY_TEST_PG_URL}
 * (and {@code _USER}, {@code _PASSWORD}) set, that server is used; otherwise a throwaway cluster is
 * created with the Debian {@code postgresql} package's {@code initdb} and {@code pg_ctl} (as the
 * {@code postgres} user when the tests run as root, since initdb refuses root), on a free port
 * with its socket in its own temp dir and {@code fsync=off}, and deleted at JVM exit. Each test
 * gets its own schema.
 *
 * <p>Missing binaries fail the tests (they are not skipped): install the {@code postgresql}
 * package.
 */
public final class PostgresCluster implements BeforeAllCallback {

  private static final String USER = "tributary";
  private static PostgresCluster started;
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private final String url;
  private final String user;
  private final String password;

  private PostgresCluster(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** Public for JUnit's {@code @ExtendWith}: starts the server before a class's tests. */
  public PostgresCluster() {
    this(null, null, null);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }

  public static synchronized PostgresCluster get() {
    if (started == null) {
      String external = System.getenv("TRIBUTARY_TEST_PG_URL");
      started =
          external != null && !external.isBlank()
              ? new PostgresCluster(
                  external, System.getenv("TRIBUTARY_TEST_PG_USER"), System.getenv("TRIBUTARY_TEST_PG_PASSWORD"))
              : startThrowaway();
    }
    return started;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** A new, empty schema; the URL makes it the connection's current schema. */
  public String newSchemaUrl() {
    String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema + " on " + url, e);
    }
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  private static PostgresCluster startThrowaway() {
    Path bin = findBinaries();
    try {
      Path root = Files.createTempDirectory("tributary-pg");
      boolean asRoot = isRoot();
      if (asRoot) {
        UserPrincipal postgres =
            root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(root, postgres);
      }
      Path data = root.resolve("data");
      Path log = root.resolve("server.log");
      run(asRoot, root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", USER,
          "-E", "UTF8", "--no-sync"));
      int port = freePort();
      String options = "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1 -c fsync=off"
          + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
      run(asRoot, root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(),
          "-w", "-t", "60", "-o", options, "start"));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(asRoot, bin, root, data), "stop-test-postgres"));
      return new PostgresCluster("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a throwaway PostgreSQL cluster", e);
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static Path findBinaries() {
    List<Path> candidates = new ArrayList<>();
    Path base = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(base)) {
        for (Path v : versions) {
          candidates.add(v.resolve("bin"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    candidates.sort(Comparator.comparing((Path p) -> versionOf(p)).reversed());
    for (Path bin : candidates) {
      if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))) {
        return bin;
      }
    }
    throw new IllegalStateException(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin:"
            + " install the Debian 'postgresql' package (apt-get install postgresql), or set"
            + " TRIBUTARY_TEST_PG_URL to a server the tests may use");
  }

  private static int versionOf(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*$", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void run(boolean asRoot, Path root, List<String> command) throws IOException {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of(Files.isExecutable(Path.of("/usr/sbin/runuser")) ? "/usr/sbin/runuser" : "runuser",
          "-u", "postgres", "--"));
    }
    full.addAll(command);
    Path output = Files.createTempFile("tributary-pg", ".out");
    try {
      Process p = new ProcessBuilder(full).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", full) + " did not finish in 90 s");
      }
      if (p.exitValue() != 0) {
        String serverLog = Files.exists(root.resolve("server.log"))
            ? Files.readString(root.resolve("server.log"), StandardCharsets.UTF_8) : "";
        throw new IllegalStateException(String.join(" ", full) + " failed (" + p.exitValue() + "):\n"
            + Files.readString(output, StandardCharsets.UTF_8) + serverLog);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + full, e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static void stop(boolean asRoot, Path bin, Path root, Path data) {
    try {
      run(asRoot, root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
          "-w", "stop"));
    } catch (RuntimeException | IOException e) {
      System.err.println("could not stop the test PostgreSQL cluster: " + e.getMessage());
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e.getMessage());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
