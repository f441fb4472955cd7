package io.tributary.runtime.plugins;

import io.tributary.testing.TestJars;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import io.tributary.runtime.Batch;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.StageSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {

  @TempDir static Path shared;
  static Path classesV1;
  static Path classesV2;

  @TempDir Path dir;
  Path plugins;
  PluginRegistry registry;
  final List<PluginEvent> events = new ArrayList<>();

  /** Compiles every fixture once; each test packs the jars it needs. */
  @BeforeAll
  static void compileFixtures() throws IOException {
    Map<String, String> v1 = new LinkedHashMap<>();
    v1.put("fx.tags.TagFactory", TestJars.factorySource("fx.tags.TagFactory", "tag", "1.0.0", "tag", "v1"));
    v1.put("fx.other.OtherFactory", TestJars.factorySource("fx.other.OtherFactory", "other", "1.0.0", "other", "x"));
    v1.put("fx.dupe.TagAgainFactory", TestJars.factorySource("fx.dupe.TagAgainFactory", "tag", "1.0.0", "tag", "dupe"));
    v1.put("fx.bad.NotAFactory", "package fx.bad; public final class NotAFactory { }");
    v1.put("fx.bad.ThrowingFactory", "package fx.bad; import io.tributary.api.*;\n"
        + "public final class ThrowingFactory implements ProcessorFactory {\n"
        + "  public ThrowingFactory() { throw new IllegalStateException(\"no config file\"); }\n"
        + "  public ProcessorDescriptor descriptor() { return null; }\n"
        + "  public Processor create(ProcessorContext c) { return null; } }");
    v1.put("fx.bad.BadSemverFactory", descriptorSource("fx.bad.BadSemverFactory",
        "ProcessorDescriptor.builder(\"bad\", \"1.0\").build()"));
    v1.put("fx.bad.EmptyIdFactory", descriptorSource("fx.bad.EmptyIdFactory",
        "ProcessorDescriptor.builder(\"\", \"1.0.0\").build()"));
    v1.put("fx.bad.InconsistentFactory", descriptorSource("fx.bad.InconsistentFactory",
        "ProcessorDescriptor.builder(\"incons\", \"1.0.0\").config(io.tributary.api.ConfigField.string(\"mode\").required().withDefault(\"a\")).build()"));
    v1.put("fx.lib.Greeting", "package fx.lib; public final class Greeting { public static String text() { return \"hello from lib\"; } }");
    v1.put("fx.user.UserFactory", "package fx.user; import io.tributary.api.*;\n"
        + "public final class UserFactory implements ProcessorFactory {\n"
        + "  public ProcessorDescriptor descriptor() { return ProcessorDescriptor.builder(\"greeter\", \"1.0.0\").writes(\"greeting\").build(); }\n"
        + "  public Processor create(ProcessorContext c) { return item -> item.attributes().put(\"greeting\", fx.lib.Greeting.text()); } }");
    classesV1 = TestJars.compile(shared, v1);
    classesV2 = TestJars.compile(shared, Map.of("fx.tags.TagFactory",
        TestJars.factorySource("fx.tags.TagFactory", "tag", "1.1.0", "tag", "v2")));
  }

  private static String descriptorSource(String className, String descriptor) {
    int dot = className.lastIndexOf('.');
    return "package " + className.substring(0, dot) + "; import io.tributary.api.*;\n"
        + "public final class " + className.substring(dot + 1) + " implements ProcessorFactory {\n"
        + "  public ProcessorDescriptor descriptor() { return " + descriptor + "; }\n"
        + "  public Processor create(ProcessorContext c) { return item -> {}; } }";
  }

  @BeforeEach
  void setUp() throws IOException {
    plugins = Files.createDirectories(dir.resolve("plugins"));
    registry = new PluginRegistry(plugins, dir.resolve("cache"));
    registry.addListener(events::addAll);
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private Path tagsV1(String file) throws IOException {
    return TestJars.jar().plugin("tags", "1.0.0").classes(classesV1, "fx.tags")
        .services("fx.tags.TagFactory").writeTo(plugins.resolve(file));
  }

  private PluginFile file(String name) {
    return registry.files().stream().filter(f -> f.file().equals(name)).findFirst().orElseThrow();
  }

  private String errorOf(String name) {
    PluginFile f = file(name);
    assertThat(f.state()).as("state of %s", name).isEqualTo(PluginFile.State.FAILED);
    assertThat(f.processors()).isEmpty();
    return f.error();
  }

  private static String run(CompiledPipeline pipeline) {
    Item item = Item.span();
    pipeline.run(Batch.of(item));
    return item.attributes().getString("tag");
  }

  @Test
  void a_plugin_jar_offers_its_processors_with_where_they_came_from() throws Exception {
    Path jar = tagsV1("tags-1.0.0.jar");
    registry.scan();

    assertThat(registry.ids()).containsExactly("tag");
    ProcessorEntry entry = registry.entries("tag").get(0);
    assertThat(entry.source()).isEqualTo(ProcessorEntry.Source.PLUGIN);
    assertThat(entry.pluginId()).isEqualTo("tags");
    assertThat(entry.pluginVersion()).isEqualTo("1.0.0");
    assertThat(entry.file()).isEqualTo("tags-1.0.0.jar");
    assertThat(entry.sha256()).isEqualTo(PluginLoader.sha256(jar)).hasSize(64);
    assertThat(file("tags-1.0.0.jar").processors()).containsExactly("tag@1.0.0");
    assertThat(events).extracting(PluginEvent::type).containsExactly(PluginEvent.Type.LOADED);
    // Loaded from the content-addressed cache, in a class loader of its own.
    assertThat(dir.resolve("cache").resolve(entry.sha256() + ".jar")).exists();
    assertThat(((io.tributary.runtime.GuardedFactory) entry.factory()).delegate().getClass().getClassLoader())
        .isNotSameAs(getClass().getClassLoader());
    CompiledPipeline p = PipelineCompiler.builder(registry).build().compile("dev", 1, PipelineSpec.of(StageSpec.of("tag")));
    assertThat(run(p)).isEqualTo("v1");
  }

  @Test
  void two_versions_of_a_plugin_coexist_and_the_pin_decides() throws Exception {
    tagsV1("tags-1.0.0.jar");
    TestJars.jar().plugin("tags", "1.1.0").classes(classesV2, "fx.tags").services("fx.tags.TagFactory")
        .writeTo(plugins.resolve("tags-1.1.0.jar"));
    registry.scan();

    assertThat(registry.entries("tag")).extracting(e -> e.descriptor().version()).containsExactly("1.0.0", "1.1.0");
    PipelineCompiler compiler = PipelineCompiler.builder(registry).build();
    assertThat(run(compiler.compile("dev", 1, PipelineSpec.of(StageSpec.of("tag").withVersion("1.0.0"))))).isEqualTo("v1");
    assertThat(run(compiler.compile("dev", 1, PipelineSpec.of(StageSpec.of("tag"))))).isEqualTo("v2");
  }

  @Test
  void a_removed_jar_leaves_the_registry_but_compiled_pipelines_keep_running() throws Exception {
    Path jar = tagsV1("tags.jar");
    registry.scan();
    CompiledPipeline running = PipelineCompiler.builder(registry).build()
        .compile("dev", 1, PipelineSpec.of(StageSpec.of("tag")));
    Files.delete(jar);
    registry.scan();

    assertThat(registry.ids()).isEmpty();
    assertThat(registry.files()).isEmpty();
    assertThat(events).extracting(PluginEvent::type).containsExactly(PluginEvent.Type.LOADED, PluginEvent.Type.REMOVED);
    assertThat(run(running)).isEqualTo("v1");
  }

  @Test
  void a_jar_replaced_in_place_swaps_its_processors_and_old_pipelines_keep_the_old_code() throws Exception {
    Path jar = tagsV1("tags.jar");
    registry.scan();
    CompiledPipeline old = PipelineCompiler.builder(registry).build().compile("dev", 1, PipelineSpec.of(StageSpec.of("tag")));
    Path v2 = TestJars.jar().plugin("tags", "1.1.0").classes(classesV2, "fx.tags").services("fx.tags.TagFactory")
        .writeTo(dir.resolve("staging/tags.jar"));
    Files.copy(v2, jar, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    registry.scan();

    assertThat(registry.entries("tag")).extracting(e -> e.descriptor().version()).containsExactly("1.1.0");
    assertThat(run(old)).isEqualTo("v1");
  }

  @Test
  void a_dropped_jar_is_picked_up_by_the_watcher_within_five_seconds() throws Exception {
    registry.watch(Duration.ofMillis(200));
    Thread.sleep(300);
    long start = System.nanoTime();
    tagsV1("late.jar");
    while (registry.ids().isEmpty() && System.nanoTime() - start < 10_000_000_000L) {
      Thread.sleep(50);
    }
    assertThat(registry.ids()).containsExactly("tag");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void a_satisfied_plugin_dependency_shares_its_classes() throws Exception {
    TestJars.jar().plugin("lib", "1.2.0").classes(classesV1, "fx.lib").classes(classesV1, "fx.other")
        .services("fx.other.OtherFactory").writeTo(plugins.resolve("a-lib.jar"));
    TestJars.jar().plugin("user", "1.0.0").manifest("Plugin-Dependencies", "lib@>=1.0.0")
        .classes(classesV1, "fx.user").services("fx.user.UserFactory").writeTo(plugins.resolve("b-user.jar"));
    registry.scan();

    assertThat(file("b-user.jar").state()).isEqualTo(PluginFile.State.LOADED);
    assertThat(registry.ids()).containsExactly("greeter", "other");
    Item item = Item.span();
    PipelineCompiler.builder(registry).build().compile("dev", 1, PipelineSpec.of(StageSpec.of("greeter")))
        .run(Batch.of(item));
    assertThat(item.attributes().getString("greeting")).isEqualTo("hello from lib");
  }

  // ---------------------------------------------------------------- broken input

  /** Every broken file is recorded with its cause; a good plugin beside it loads all the same. */
  private String brokenFileError(String name) throws IOException {
    tagsV1("zz-good.jar");
    registry.scan();
    assertThat(registry.ids()).as("the good plugin loads beside %s", name).contains("tag");
    assertThat(events).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(PluginEvent.Type.FAILED);
      assertThat(e.file().file()).isEqualTo(name);
    });
    return errorOf(name);
  }

  @Test
  void a_file_that_is_not_a_zip_is_refused() throws Exception {
    Files.writeString(plugins.resolve("notes.jar"), "this is not a jar");
    assertThat(brokenFileError("notes.jar")).contains("not a valid jar (zip) file");
  }

  @Test
  void a_truncated_jar_is_refused() throws Exception {
    Path good = tagsV1("full.jar");
    byte[] bytes = Files.readAllBytes(good);
    Files.delete(good);
    Files.write(plugins.resolve("truncated.jar"), Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(brokenFileError("truncated.jar")).contains("not a valid jar (zip) file");
  }

  @Test
  void a_jar_without_a_manifest_is_refused() throws Exception {
    TestJars.jar().noManifest().classes(classesV1, "fx.other").services("fx.other.OtherFactory")
        .writeTo(plugins.resolve("bare.jar"));
    assertThat(brokenFileError("bare.jar")).contains("no META-INF/MANIFEST.MF");
  }

  @Test
  void a_jar_without_a_plugin_id_is_refused() throws Exception {
    TestJars.jar().plugin("x", "1.0.0").manifest("Plugin-Id", null).classes(classesV1, "fx.other")
        .services("fx.other.OtherFactory").writeTo(plugins.resolve("anonymous.jar"));
    assertThat(brokenFileError("anonymous.jar")).contains("no Plugin-Id");
  }

  @Test
  void the_same_plugin_id_and_version_in_two_files_loads_once() throws Exception {
    TestJars.jar().plugin("tags", "1.0.0").classes(classesV1, "fx.other").services("fx.other.OtherFactory")
        .writeTo(plugins.resolve("zz-copy.jar"));
    tagsV1("aa-tags.jar");
    registry.scan();
    assertThat(errorOf("zz-copy.jar")).contains("plugin tags@1.0.0 is already loaded from aa-tags.jar");
    assertThat(registry.ids()).containsExactly("tag");
  }

  @Test
  void a_plugin_requiring_a_newer_platform_api_is_refused_naming_both_versions() throws Exception {
    TestJars.jar().plugin("future", "3.0.0").manifest("Plugin-Requires", ">=2.0.0")
        .classes(classesV1, "fx.other").services("fx.other.OtherFactory").writeTo(plugins.resolve("future.jar"));
    assertThat(brokenFileError("future.jar"))
        .contains("requires platform-api >=2.0.0").contains("provides platform-api " + ProcessorFactory.API_VERSION);
  }

  @Test
  void a_missing_plugin_dependency_is_named() throws Exception {
    TestJars.jar().plugin("user", "1.0.0").manifest("Plugin-Dependencies", "lib@>=1.0.0")
        .classes(classesV1, "fx.user").services("fx.user.UserFactory").writeTo(plugins.resolve("user.jar"));
    assertThat(brokenFileError("user.jar")).contains("depends on plugin 'lib' (>=1.0.0), which is not loaded");
  }

  @Test
  void a_service_file_naming_a_missing_class_is_refused() throws Exception {
    TestJars.jar().plugin("ghost", "1.0.0").services("fx.ghost.MissingFactory").writeTo(plugins.resolve("ghost.jar"));
    assertThat(brokenFileError("ghost.jar")).contains("fx.ghost.MissingFactory").contains("no such class in the jar");
  }

  @Test
  void a_service_class_that_does_not_implement_the_spi_is_refused() throws Exception {
    TestJars.jar().plugin("odd", "1.0.0").classes(classesV1, "fx.bad").services("fx.bad.NotAFactory")
        .writeTo(plugins.resolve("odd.jar"));
    assertThat(brokenFileError("odd.jar")).contains("fx.bad.NotAFactory")
        .contains("does not implement io.tributary.api.ProcessorFactory");
  }

  @Test
  void a_factory_that_throws_while_being_created_is_refused() throws Exception {
    TestJars.jar().plugin("boom", "1.0.0").classes(classesV1, "fx.bad").services("fx.bad.ThrowingFactory")
        .writeTo(plugins.resolve("boom.jar"));
    assertThat(brokenFileError("boom.jar")).contains("fx.bad.ThrowingFactory could not be created")
        .contains("no config file");
  }

  @Test
  void invalid_descriptors_are_refused_with_the_descriptor_problem() throws Exception {
    TestJars.jar().plugin("semver", "1.0.0").classes(classesV1, "fx.bad").services("fx.bad.BadSemverFactory")
        .writeTo(plugins.resolve("semver.jar"));
    TestJars.jar().plugin("noid", "1.0.0").classes(classesV1, "fx.bad").services("fx.bad.EmptyIdFactory")
        .writeTo(plugins.resolve("noid.jar"));
    TestJars.jar().plugin("incons", "1.0.0").classes(classesV1, "fx.bad").services("fx.bad.InconsistentFactory")
        .writeTo(plugins.resolve("incons.jar"));
    registry.scan();
    assertThat(errorOf("semver.jar")).contains("invalid descriptor").contains("'1.0' is not a semantic version");
    assertThat(errorOf("noid.jar")).contains("invalid descriptor").contains("processor id is empty");
    assertThat(errorOf("incons.jar")).contains("invalid descriptor").contains("config 'mode' is required and has a default");
  }

  @Test
  void a_jar_packing_platform_api_classes_is_refused() throws Exception {
    TestJars.jar().plugin("fat", "1.0.0").classes(classesV1, "fx.other").services("fx.other.OtherFactory")
        .entry("io/tributary/api/Item.class", new byte[] {(byte) 0xCA, (byte) 0xFE})
        .writeTo(plugins.resolve("fat.jar"));
    assertThat(brokenFileError("fat.jar")).contains("contains platform-api classes (io/tributary/api/Item.class)")
        .contains("provided");
  }

  @Test
  void the_same_processor_from_two_plugins_is_refused_for_the_second() throws Exception {
    TestJars.jar().plugin("dupe", "1.0.0").classes(classesV1, "fx.dupe").services("fx.dupe.TagAgainFactory")
        .writeTo(plugins.resolve("zzz-dupe.jar"));
    assertThat(brokenFileError("zzz-dupe.jar"))
        .contains("processor tag@1.0.0 is already offered by plugin tags@1.0.0 (zz-good.jar)");
  }

  @Test
  void a_jar_without_processors_is_refused() throws Exception {
    TestJars.jar().plugin("empty", "1.0.0").classes(classesV1, "fx.lib").writeTo(plugins.resolve("empty.jar"));
    assertThat(brokenFileError("empty.jar")).contains("offers no processors");
  }

  @Test
  void a_failed_file_is_retried_when_it_changes() throws Exception {
    Path jar = plugins.resolve("late.jar");
    Files.writeString(jar, "half-copied");
    registry.scan();
    assertThat(errorOf("late.jar")).contains("not a valid jar");
    tagsV1("late.jar");
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    registry.scan();
    assertThat(file("late.jar").state()).isEqualTo(PluginFile.State.LOADED);
    assertThat(file("late.jar").error()).isNull();
  }

  // ---------------------------------------------------------------- module path

  @Test
  void module_processors_are_offered_and_a_plugin_cannot_shadow_them() throws Exception {
    ProcessorFactory module = new ProcessorFactory() {
      @Override
      public ProcessorDescriptor descriptor() {
        return ProcessorDescriptor.builder("tag", "1.0.0").writes("tag").build();
      }

      @Override
      public io.tributary.api.Processor create(io.tributary.api.ProcessorContext context) {
        return item -> item.attributes().put("tag", "module");
      }
    };
    registry.addModuleProcessor(module);
    tagsV1("tags.jar");
    registry.scan();
    assertThat(registry.entries("tag")).singleElement().satisfies(e -> {
      assertThat(e.source()).isEqualTo(ProcessorEntry.Source.MODULE);
      assertThat(e.sha256()).isNull();
    });
    assertThat(errorOf("tags.jar")).contains("already offered by module");
  }
}
