package io.tributary.runtime;

import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.Objects;

/**
 * A plugin's processor factory as the engine sees it: the descriptor read once at load time (so
 * reading it never runs plugin code again), and {@link #create} and {@link #close(Processor)} run
 * through the plugin's {@link PluginGuard}, with its time limit. {@link Processor#process} is not
 * guarded: it is the hot path, protected by the stage's failure policy and circuit breaker.
 */
public final class GuardedFactory implements ProcessorFactory {

  private final ProcessorFactory delegate;
  private final ProcessorDescriptor descriptor;
  private final PluginGuard guard;

  public GuardedFactory(ProcessorFactory delegate, ProcessorDescriptor descriptor, PluginGuard guard) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  @Override
  public ProcessorDescriptor descriptor() {
    return descriptor;
  }

  /** @throws PluginGuard.UnresponsivePluginException if the plugin does not answer in time */
  @Override
  public Processor create(ProcessorContext context) {
    return guard.call("create() of " + descriptor.coordinates(), () -> delegate.create(context));
  }

  /**
   * Closes a processor this factory created, within the time limit; a plugin that does not answer
   * is marked failed and the processor left to the garbage collector.
   */
  public void close(Processor processor) {
    guard.run("close() of " + descriptor.coordinates(), processor::close);
  }

  public PluginGuard guard() {
    return guard;
  }

  /** The plugin's own factory (tests, class-loader checks): calling it bypasses the guard. */
  public ProcessorFactory delegate() {
    return delegate;
  }

  @Override
  public String toString() {
    return "GuardedFactory[" + descriptor.coordinates() + "]";
  }
}
