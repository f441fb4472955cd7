package io.tributary.testkit;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import io.tributary.runtime.Batch;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.ConfigSchema;
import io.tributary.runtime.DescriptorRules;
import io.tributary.runtime.DirectoryConfigFiles;
import io.tributary.runtime.ExampleVerifier;
import io.tributary.runtime.FailurePolicy;
import io.tributary.runtime.GuardedFactory;
import io.tributary.runtime.PipelineCompilationException;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.PluginGuard;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.StageContext;
import io.tributary.runtime.StageOutcome;
import io.tributary.runtime.StageSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tests one processor the way the host runs it. For a plugin's own test suite:
 *
 * <pre>{@code
 * ProcessorTester tester = ProcessorTester.of(new MyProcessorFactory()); // descriptor checked
 * tester.verifyExamples();                                               // every worked example
 * Item out = tester.run(Map.of("header", "x-user"), Item.span());        // a real one-stage pipeline
 * }</pre>
 *
 * <ul>
 *   <li>{@link #of(ProcessorFactory)} checks the descriptor with the host's own rules and fails
 *       with the host's message if a node would refuse the plugin.
 *   <li>{@link #run(Map, Item)} compiles a one-stage pipeline with the raw configuration, as a
 *       node would, and runs the item through the engine in strict mode: a write to a key the
 *       descriptor does not declare, or an exception from the processor, fails the test with the
 *       cause. The item is changed in place and returned.
 *   <li>{@link #verifyExamples()} runs every worked example the same way.
 *   <li>{@link #config(Map)}, {@link #context(Map)} and {@link #create(Map)} give the pieces, for
 *       tests of configuration errors: they throw {@link IllegalArgumentException} with the
 *       message the host would show, naming the key.
 * </ul>
 *
 * <p>Failures are {@link AssertionError}s, so the kit works with any test framework. Every call
 * into the processor runs with the host's time limit (10 s by default, {@link #withTimeLimit}).
 * Not thread-safe; one tester per test is cheap.
 */
public final class ProcessorTester {

  private final ProcessorFactory factory;
  private final ProcessorDescriptor descriptor;
  private final Map<Class<?>, Object> services = new LinkedHashMap<>();
  private String environment = "test";
  private DirectoryConfigFiles files;
  private Duration limit = PluginGuard.DEFAULT_LIMIT;

  private ProcessorTester(ProcessorFactory factory, ProcessorDescriptor descriptor) {
    this.factory = factory;
    this.descriptor = descriptor;
  }

  /**
   * A tester for {@code factory}'s processor.
   *
   * @throws AssertionError with the host's message if the descriptor is one a node would refuse
   */
  public static ProcessorTester of(ProcessorFactory factory) {
    Objects.requireNonNull(factory, "factory");
    ProcessorDescriptor d = factory.descriptor();
    if (d == null) {
      throw new AssertionError(factory.getClass().getName() + ".descriptor() returned null");
    }
    try {
      DescriptorRules.check(d);
    } catch (IllegalArgumentException e) {
      throw new AssertionError("a node would refuse this processor: " + e.getMessage(), e);
    }
    return new ProcessorTester(factory, d);
  }

  /** The processor's descriptor, as checked. */
  public ProcessorDescriptor descriptor() {
    return descriptor;
  }

  /** Lets the processor read files in {@code directory}, under the node's rules and limits. */
  public ProcessorTester withFiles(Path directory) {
    // One reader for the tester's life: its two reader threads are daemons, started on first use.
    this.files = new DirectoryConfigFiles(Objects.requireNonNull(directory, "directory"),
        DirectoryConfigFiles.DEFAULT_MAX_BYTES, DirectoryConfigFiles.DEFAULT_READ_TIMEOUT);
    return this;
  }

  /** Offers {@code service} to the processor as {@code type}. */
  public <T> ProcessorTester withService(Class<T> type, T service) {
    services.put(type, Objects.requireNonNull(service, "service"));
    return this;
  }

  /** The environment the stage runs in ({@code test} if not set). */
  public ProcessorTester withEnvironment(String name) {
    this.environment = Objects.requireNonNull(name, "name");
    return this;
  }

  /** The time limit of each call into the processor. */
  public ProcessorTester withTimeLimit(Duration limit) {
    this.limit = Objects.requireNonNull(limit, "limit");
    return this;
  }

  /**
   * Checks raw configuration (as an operator writes it in JSON) against the schema, as the host
   * does, and returns it typed with defaults filled in.
   *
   * @throws IllegalArgumentException listing every problem, each naming its key
   */
  public ProcessorConfig config(Map<String, ?> raw) {
    return ConfigSchema.validate(descriptor, raw);
  }

  /** The problems the host would report for {@code raw}, as {@code key: message}; empty if none. */
  public List<String> configProblems(Map<String, ?> raw) {
    List<String> problems = new ArrayList<>();
    ConfigSchema.validate(descriptor, raw, (key, message) -> problems.add(key + ": " + message));
    return problems;
  }

  /** The context a stage with configuration {@code raw} is created with. */
  public ProcessorContext context(Map<String, ?> raw) {
    return new StageContext(environment, descriptor.id(), config(raw), services, files);
  }

  /**
   * Creates the processor with configuration {@code raw}, as the host does (for calling it
   * directly; {@link #run} also checks its writes). The caller closes it.
   *
   * @throws IllegalArgumentException if the configuration is invalid or the factory refuses it
   */
  public Processor create(Map<String, ?> raw) {
    return Objects.requireNonNull(factory.create(context(raw)), "create() returned null");
  }

  /**
   * Runs {@code item} through a one-stage pipeline of this processor configured with {@code raw}
   * and returns it, changed in place.
   *
   * @throws AssertionError if the processor throws or writes a key its descriptor does not declare
   * @throws IllegalArgumentException if the pipeline does not compile (invalid configuration, a
   *     factory that refuses it, a missing service), with the host's diagnostics
   */
  public Item run(Map<String, ?> raw, Item item) {
    run(raw, List.of(item));
    return item;
  }

  /** Like {@link #run(Map, Item)} for a batch: the items go through the stage together. */
  public List<Item> run(Map<String, ?> raw, List<Item> items) {
    PluginGuard guard = new PluginGuard(factory.getClass().getName(), limit,
        PluginGuard.DEFAULT_MAX_IN_FLIGHT);
    PipelineCompiler.Builder builder = PipelineCompiler
        .builder(ProcessorRegistry.of(List.of(new GuardedFactory(factory, descriptor, guard))))
        .enforceDeclaredWrites(true);
    services.forEach((type, service) -> register(builder, type, service));
    if (files != null) {
      builder.configFiles(files);
    }
    StageSpec stage = new StageSpec(null, descriptor.id(), descriptor.version(), true, new LinkedHashMap<>(raw),
        FailurePolicy.SKIP);
    try (CompiledPipeline pipeline = builder.build().compile(environment, 0, PipelineSpec.of(stage))) {
      Batch batch = Batch.of(items);
      guard.run("a batch of " + descriptor.coordinates(), () -> pipeline.run(batch));
      for (int i = 0; i < items.size(); i++) {
        if (batch.outcome(i, 0) == StageOutcome.FAILED) {
          throw new AssertionError(descriptor.coordinates() + " failed on item " + i + ": "
              + pipeline.stages().get(0).breaker().lastFailure());
        }
      }
      return items;
    } catch (PipelineCompilationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (PluginGuard.UnresponsivePluginException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /**
   * Runs every worked example of the descriptor through a real one-stage pipeline, in strict
   * mode.
   *
   * @throws AssertionError listing every example whose output differs from what it promises
   */
  public void verifyExamples() {
    List<String> failures = ExampleVerifier.verify(factory, limit);
    if (!failures.isEmpty()) {
      throw new AssertionError(failures.size() + " of " + descriptor.examples().size()
          + " examples of " + descriptor.coordinates() + " fail:\n" + String.join("\n", failures));
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void register(PipelineCompiler.Builder builder, Class<T> type, Object service) {
    builder.service(type, (T) service);
  }
}
