package io.tributary.runtime;

import io.tributary.api.Item;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.Example;
import io.tributary.api.ProcessorFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the worked examples of a processor's descriptor through a real one-stage pipeline and
 * reports every example whose output differs from what it promises. Plugin test suites call
 * {@link #verify(ProcessorFactory)} and assert the result is empty.
 *
 * <p>Examples are self-contained: the pipeline reads no files, so an example that needs one fails
 * here rather than on a node.
 *
 * <p>Every call into the processor's code runs with a time limit ({@link PluginGuard}): the
 * guard of a plugin's {@link GuardedFactory}, or one of the verifier's own. An example that
 * does not finish in time is reported as failing, and no later example is run.
 */
public final class ExampleVerifier {

  private ExampleVerifier() {}

  /**
   * What became of one worked example.
   *
   * @param title the example's title
   * @param passed whether the output equals what the example promises
   * @param expected the promised output
   * @param actual the output the processor gave; null when it did not run to the end (the
   *     pipeline did not compile, or the processor did not answer)
   * @param message for a failing example, what went wrong, naming the processor and the example;
   *     null when it passed
   */
  public record Result(String title, boolean passed, Item expected, Item actual, String message) {}

  /** Returns one message per failing example; empty if all pass. */
  public static List<String> verify(ProcessorFactory factory) {
    return verify(factory, PluginGuard.DEFAULT_LIMIT);
  }

  /**
   * As {@link #verify(ProcessorFactory)}, each call into the processor limited to {@code limit}
   * (unless the factory is a plugin's, whose own guard and limit apply).
   */
  public static List<String> verify(ProcessorFactory factory, Duration limit) {
    return run(factory, limit).stream().filter(r -> !r.passed()).map(Result::message).toList();
  }

  /**
   * Runs every example, as {@link #verify(ProcessorFactory, Duration)} does, and returns one
   * result per example run, in the descriptor's order (after an example that did not answer in
   * time, no later one is run).
   */
  public static List<Result> run(ProcessorFactory factory, Duration limit) {
    PluginGuard guard = factory instanceof GuardedFactory
        ? ((GuardedFactory) factory).guard()
        : new PluginGuard(factory.getClass().getName(), limit, PluginGuard.DEFAULT_MAX_IN_FLIGHT);
    ProcessorDescriptor d = factory instanceof GuardedFactory
        ? factory.descriptor()
        : guard.call("descriptor() of " + factory.getClass().getName(), factory::descriptor);
    ProcessorFactory guarded = factory instanceof GuardedFactory ? factory : new GuardedFactory(factory, d, guard);
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(guarded));
    PipelineCompiler compiler = PipelineCompiler.builder(registry).enforceDeclaredWrites(true).build();
    List<Result> results = new ArrayList<>();
    for (Example example : d.examples()) {
      String where = d.coordinates() + " example '" + example.title() + "'";
      StageSpec stage = new StageSpec(null, d.id(), d.version(), true, example.config(), FailurePolicy.SKIP);
      try (CompiledPipeline pipeline = compiler.compile("example", 0, PipelineSpec.of(stage))) {
        Item item = example.input();
        Batch batch = Batch.of(item);
        guard.run("example '" + example.title() + "' of " + d.coordinates(), () -> pipeline.run(batch));
        StageOutcome outcome = batch.outcome(0, 0);
        if (outcome == StageOutcome.FAILED) {
          results.add(new Result(example.title(), false, example.expected(), item,
              where + ": the processor failed: " + pipeline.stages().get(0).breaker().lastFailure()));
        } else if (!item.equals(example.expected())) {
          results.add(new Result(example.title(), false, example.expected(), item,
              where + ":\n  expected " + example.expected() + "\n  but got  " + item));
        } else {
          results.add(new Result(example.title(), true, example.expected(), item, null));
        }
      } catch (PipelineCompilationException e) {
        results.add(new Result(example.title(), false, example.expected(), null, where + ": " + e.getMessage()));
      } catch (PluginGuard.UnresponsivePluginException e) {
        results.add(new Result(example.title(), false, example.expected(), null, where + ": " + e.getMessage()));
        break; // the processor is out of service: later examples cannot run
      }
    }
    return results;
  }
}
