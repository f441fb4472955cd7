package io.tributary.runtime;

import io.tributary.api.ConfigFiles;
import io.tributary.api.Item;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorDescriptor.Example;
import io.tributary.api.ProcessorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the worked examples of a processor's descriptor through a real one-stage pipeline and
 * reports every example whose output differs from what it promises. Plugin test suites call
 * {@link #verify(ProcessorFactory)} and assert the result is empty.
 *
 * <p>Examples are self-contained: the pipeline is offered a {@link ConfigFiles} service that
 * refuses every file, so an example that needs one fails here rather than on a node.
 */
public final class ExampleVerifier {

  private static final ConfigFiles NO_FILES = new ConfigFiles() {
    @Override
    public Content read(String name) {
      throw new ConfigFileException("config file '" + name + "': examples cannot read files");
    }

    @Override
    public String stamp(String name) {
      return read(name).stamp();
    }
  };

  private ExampleVerifier() {}

  /** Returns one message per failing example; empty if all pass. */
  public static List<String> verify(ProcessorFactory factory) {
    ProcessorDescriptor d = factory.descriptor();
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(factory));
    PipelineCompiler compiler = PipelineCompiler.builder(registry).enforceDeclaredWrites(true)
        .service(ConfigFiles.class, NO_FILES).build();
    List<String> failures = new ArrayList<>();
    for (Example example : d.examples()) {
      String where = d.coordinates() + " example '" + example.title() + "'";
      StageSpec stage = new StageSpec(null, d.id(), d.version(), true, example.config(), FailurePolicy.SKIP);
      try (CompiledPipeline pipeline = compiler.compile("example", 0, PipelineSpec.of(stage))) {
        Item item = example.input();
        Batch batch = Batch.of(item);
        pipeline.run(batch);
        StageOutcome outcome = batch.outcome(0, 0);
        if (outcome == StageOutcome.FAILED) {
          failures.add(where + ": the processor failed: " + pipeline.stages().get(0).breaker().lastFailure());
        } else if (!item.equals(example.expected())) {
          failures.add(where + ":\n  expected " + example.expected() + "\n  but got  " + item);
        }
      } catch (PipelineCompilationException e) {
        failures.add(where + ": " + e.getMessage());
      }
    }
    return failures;
  }
}
