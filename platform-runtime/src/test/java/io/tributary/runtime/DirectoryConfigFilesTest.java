package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.runtime.ConfigFiles.ConfigFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's resolution of configured file names: only regular files inside the root, bounded. */
class DirectoryConfigFilesTest {

  private static final String SECRET = "top-secret-content-4711";

  @TempDir Path base;
  private Path root;
  private Path outside;
  private DirectoryConfigFiles files;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(base.resolve("lookup"));
    outside = Files.writeString(base.resolve("outside.txt"), SECRET);
    files = new DirectoryConfigFiles(root, 1024, Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() {
    files.close();
  }

  private void refused(String name, String reason) {
    assertThatThrownBy(() -> files.read(name)).as(name).isInstanceOf(ConfigFileException.class)
        .hasMessageContaining(reason).message().doesNotContain(SECRET);
    assertThatThrownBy(() -> files.stamp(name)).as(name).isInstanceOf(ConfigFileException.class);
  }

  @Test
  void reads_a_regular_file_inside_the_root_by_relative_or_absolute_name() throws Exception {
    Path table = Files.writeString(Files.createDirectories(root.resolve("sub")).resolve("t.csv"), "k,v\n");
    assertThat(new String(files.read("sub/t.csv").bytes(), StandardCharsets.UTF_8)).isEqualTo("k,v\n");
    assertThat(files.read(table.toString()).stamp()).isEqualTo(files.stamp("sub/t.csv"));
    assertThat(files.read("sub/../sub/t.csv").bytes()).hasSize(4);
  }

  @Test
  void refuses_every_way_out_of_the_root() throws Exception {
    refused(outside.toString(), "outside the lookup dir");
    refused("../outside.txt", "outside the lookup dir");
    refused("/etc/passwd", "outside the lookup dir");
    refused("/proc/self/environ", "outside the lookup dir");
    refused(".", "outside the lookup dir");
    Files.createSymbolicLink(root.resolve("link.txt"), outside);
    refused("link.txt", "symbolic link");
    Files.createSymbolicLink(root.resolve("up"), base);
    refused("up/outside.txt", "symbolic link");
    refused("", "no file name");
    refused("a\u0000b", "NUL");
  }

  @Test
  void refuses_what_is_not_a_small_regular_file() throws Exception {
    Files.createDirectories(root.resolve("dir"));
    refused("dir", "directory");
    Files.createSymbolicLink(root.resolve("zero"), Path.of("/dev/zero"));
    refused("zero", "symbolic link");
    Path fifo = root.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    long started = System.nanoTime();
    refused("fifo", "not a regular file");
    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(2));
    Files.write(root.resolve("big"), new byte[1025]);
    refused("big", "larger than the limit of 1024 bytes");
    refused("absent", "no such file");
  }

  @Test
  void a_symbolic_link_inside_the_root_to_a_file_inside_it_is_followed() throws Exception {
    Files.writeString(root.resolve("real.csv"), "a,b\n");
    Files.createSymbolicLink(root.resolve("alias.csv"), root.resolve("real.csv"));
    assertThat(files.read("alias.csv").bytes()).hasSize(4);
  }
}
