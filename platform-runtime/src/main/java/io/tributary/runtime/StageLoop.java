package io.tributary.runtime;

import io.tributary.api.host.ChangeTracker;
import io.tributary.api.Item;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage over the items of a batch: the engine's inner loop.
 *
 * <p>The loop calls {@code Processor.process} once per item. Were that call site shared by every
 * stage, the JIT would see many processor classes there and could inline none of them, so each
 * processor class gets its own copy of the loop: {@link StageLoopTemplate}'s bytecode defined
 * again as a hidden class. Each copy gathers its own type profile, sees one processor class, and
 * the JIT inlines the processor into the loop, as it would a hand-written one. Copies are made once
 * per processor class (a later revision with the same plugin reuses the warmed-up loop) and are
 * unloaded with it.
 *
 * <p>{@code -Dtributary.engine.sharedLoop=true} turns the copies off (one loop for all stages),
 * to measure what they are worth.
 */
abstract class StageLoop {

  private static final Logger LOG = LoggerFactory.getLogger(StageLoop.class);
  private static final boolean SHARED = Boolean.getBoolean("tributary.engine.sharedLoop");
  private static final StageLoop SHARED_LOOP = new StageLoopTemplate();
  private static final byte[] TEMPLATE = templateBytes();

  private static final ClassValue<StageLoop> LOOPS = new ClassValue<>() {
    @Override
    protected StageLoop computeValue(Class<?> processorClass) {
      return copy();
    }
  };

  abstract void run(CompiledPipeline pipeline, Stage stage, Item[] items, Batch batch, ChangeTracker tracker);

  /** The loop for stages whose processor is an instance of {@code processorClass}. */
  static StageLoop forProcessor(Class<?> processorClass) {
    return SHARED || TEMPLATE == null ? SHARED_LOOP : LOOPS.get(processorClass);
  }

  private static StageLoop copy() {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(TEMPLATE, true);
      return (StageLoop) lookup.findConstructor(lookup.lookupClass(),
          java.lang.invoke.MethodType.methodType(void.class)).invoke();
    } catch (Throwable e) {
      LOG.warn("Could not copy the stage loop ({}); stages share one loop, which is slower", e.toString());
      return SHARED_LOOP;
    }
  }

  private static byte[] templateBytes() {
    try (InputStream in = StageLoop.class.getResourceAsStream("StageLoopTemplate.class")) {
      if (in == null) {
        LOG.warn("StageLoopTemplate.class is not readable; stages share one loop, which is slower");
        return null;
      }
      return in.readAllBytes();
    } catch (IOException e) {
      LOG.warn("StageLoopTemplate.class is not readable ({}); stages share one loop", e.toString());
      return null;
    }
  }
}
