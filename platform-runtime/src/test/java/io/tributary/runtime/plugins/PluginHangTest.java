package io.tributary.runtime.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.ExampleVerifier;
import io.tributary.runtime.PipelineCompilationException;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.PipelineHolder;
import io.tributary.runtime.StageSpec;
import io.tributary.testing.TestJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks by plugin code that never answers: real jars built in a temp dir whose descriptor(),
 * create() or close() hangs (and ignores interrupts). The scan, the compile and the close each end
 * within the call limit, the plugin is marked failed with the cause, and it is never called again.
 */
@Timeout(60)
class PluginHangTest {

  private static final Duration LIMIT = Duration.ofMillis(500);

  @TempDir static Path shared;
  static Path classes;

  @TempDir Path dir;
  Path plugins;
  PluginRegistry registry;
  final List<PluginEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void compileFixtures() throws IOException {
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("fx.hangd.Factory", TestJars.misbehavingFactorySource("fx.hangd.Factory", "hangd", "1.0.0", "hang-descriptor"));
    sources.put("fx.hangc.Factory", TestJars.misbehavingFactorySource("fx.hangc.Factory", "hangc", "1.0.0", "hang-create"));
    sources.put("fx.hangx.Factory", TestJars.misbehavingFactorySource("fx.hangx.Factory", "hangx", "1.0.0", "hang-close"));
    sources.put("fx.good.Factory", TestJars.factorySource("fx.good.Factory", "good", "1.0.0", "good", "yes"));
    classes = TestJars.compile(shared, sources);
  }

  @BeforeEach
  void setUp() throws IOException {
    plugins = Files.createDirectories(dir.resolve("plugins"));
    registry = new PluginRegistry(plugins, dir.resolve("cache"), LIMIT);
    registry.addListener(events::addAll);
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private void jar(String name, String pkg) throws IOException {
    TestJars.jar().plugin(pkg, "1.0.0").classes(classes, "fx." + pkg).services("fx." + pkg + ".Factory")
        .writeTo(plugins.resolve(name));
  }

  private PluginFile file(String name) {
    return registry.files().stream().filter(f -> f.file().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aHangingDescriptorFailsItsJarAndTheScanGoesOn() throws IOException {
    jar("a-hangd.jar", "hangd");
    jar("b-good.jar", "good");

    long start = System.nanoTime();
    registry.scan();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(tookMs).as("the scan waits the call limit, not forever").isLessThan(5_000);
    PluginFile hung = file("a-hangd.jar");
    assertThat(hung.state()).isEqualTo(PluginFile.State.FAILED);
    assertThat(hung.error()).contains("does not answer").contains("descriptor()").contains("500 ms");
    assertThat(file("b-good.jar").state()).isEqualTo(PluginFile.State.LOADED);
    assertThat(registry.ids()).containsExactly("good");
    assertThat(events).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(PluginEvent.Type.FAILED);
      assertThat(e.detail()).contains("descriptor()");
    });

    // The registry's lock is free again: a second scan, and close, do not wait.
    registry.scan();
    assertThat(file("a-hangd.jar").state()).isEqualTo(PluginFile.State.FAILED);
  }

  @Test
  void closeDoesNotWaitForAScanStuckInPluginCode() throws Exception {
    jar("a-hangd.jar", "hangd");
    ExecutorService scanner = Executors.newSingleThreadExecutor();
    try {
      Future<?> scan = scanner.submit(registry::scan);
      Thread.sleep(100); // the scan is now waiting for descriptor()
      long start = System.nanoTime();
      registry.close();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(200);
      scan.get(5, TimeUnit.SECONDS);
    } finally {
      scanner.shutdownNow();
    }
  }

  @Test
  void aHangingCreateFailsTheCompileInTimeAndTakesThePluginOutOfService() throws Exception {
    jar("hangc.jar", "hangc");
    registry.scan();
    assertThat(file("hangc.jar").state()).isEqualTo(PluginFile.State.LOADED);
    PipelineCompiler compiler = PipelineCompiler.builder(registry).build();
    PipelineSpec spec = PipelineSpec.of(new StageSpec("s", "hangc", null, true, Map.of(), null));

    long start = System.nanoTime();
    assertThatThrownBy(() -> compiler.compile("dev", 1, spec))
        .isInstanceOf(PipelineCompilationException.class)
        .hasMessageContaining("hangc@1.0.0 failed to start")
        .hasMessageContaining("create() of hangc@1.0.0 did not return within 500 ms");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);

    // Marked failed (visible in the file list, announced to listeners), its processors withdrawn.
    long deadline = System.currentTimeMillis() + 5_000;
    while (file("hangc.jar").state() != PluginFile.State.FAILED && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(file("hangc.jar").state()).isEqualTo(PluginFile.State.FAILED);
    assertThat(file("hangc.jar").error()).contains("stopped answering").contains("create()");
    assertThat(registry.ids()).doesNotContain("hangc");
    assertThat(events).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(PluginEvent.Type.FAILED);
      assertThat(e.file().file()).isEqualTo("hangc.jar");
    });
  }

  @Test
  void aPluginMarkedFailedIsNeverCalledAgainSoHungThreadsDoNotAccumulate() throws Exception {
    jar("hangc.jar", "hangc");
    registry.scan();
    var factory = (io.tributary.runtime.GuardedFactory) registry.entries("hangc").get(0).factory();
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet(); // other tests' hung threads
    PipelineCompiler compiler = PipelineCompiler.builder(registry).build();
    PipelineSpec spec = PipelineSpec.of(new StageSpec("s", "hangc", null, true, Map.of(), null));
    // Many concurrent compiles before and after the first timeout: each ends within the limit
    // (or at once), and the plugin never holds more than its cap of threads.
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(callers.submit(() -> {
          try {
            factory.create(new io.tributary.runtime.StageContext("dev", "s",
                io.tributary.api.ProcessorConfig.empty(), Map.of(), null));
            return "created";
          } catch (RuntimeException e) {
            return e.getMessage();
          }
        }));
      }
      for (Future<String> r : results) {
        assertThat(r.get(5, TimeUnit.SECONDS)).doesNotContain("created");
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(factory.guard().inFlight()).isLessThanOrEqualTo(factory.guard().maxInFlight());
    Thread.sleep(200); // threads whose call returned have ended by now; the hung ones have not
    long hung = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("tributary-plugin-hangc@1.0.0") && !before.contains(t)).count();
    assertThat(hung).isLessThanOrEqualTo(factory.guard().maxInFlight());
    assertThat(factory.guard().failure()).contains("did not return within 500 ms");
    long start = System.nanoTime();
    assertThatThrownBy(() -> compiler.compile("dev", 1, spec)).isInstanceOf(PipelineCompilationException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("refused at once: the plugin is out of service").isLessThan(400);
  }

  @Test
  void aHangingCloseDoesNotHangTheSwap() throws Exception {
    jar("hangx.jar", "hangx");
    registry.scan();
    PipelineCompiler compiler = PipelineCompiler.builder(registry).build();
    CompiledPipeline first = compiler.compile("dev", 1,
        PipelineSpec.of(new StageSpec("s", "hangx", null, true, Map.of(), null)));
    PipelineHolder holder = new PipelineHolder("dev", first);
    long start = System.nanoTime();
    holder.install(compiler.compile("dev", 2, PipelineSpec.empty())); // retires and closes the first
    holder.close();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    assertThat(first.isClosed()).isTrue();
    var factory = (io.tributary.runtime.GuardedFactory) registry.entries().stream()
        .filter(e -> e.coordinates().equals("hangx@1.0.0")).findFirst()
        .map(ProcessorEntry::factory).orElse(null);
    // Either still listed (withdrawal is asynchronous) or withdrawn; the file says why.
    long deadline = System.currentTimeMillis() + 5_000;
    while (file("hangx.jar").state() != PluginFile.State.FAILED && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(file("hangx.jar").error()).contains("close() of hangx@1.0.0 did not return within 500 ms");
  }
}
