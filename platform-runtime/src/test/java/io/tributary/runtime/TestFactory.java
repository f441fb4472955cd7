package io.tributary.runtime;

import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.function.Function;

/** A factory made of a descriptor and a lambda, for tests. */
final class TestFactory implements ProcessorFactory {

  private final ProcessorDescriptor descriptor;
  private final Function<ProcessorContext, Processor> create;

  private TestFactory(ProcessorDescriptor descriptor, Function<ProcessorContext, Processor> create) {
    this.descriptor = descriptor;
    this.create = create;
  }

  static TestFactory of(ProcessorDescriptor descriptor, Function<ProcessorContext, Processor> create) {
    return new TestFactory(descriptor, create);
  }

  static TestFactory processing(ProcessorDescriptor descriptor, Processor processor) {
    return new TestFactory(descriptor, ctx -> processor);
  }

  /** A processor that reads and writes the given keys and does nothing. */
  static TestFactory declaring(String id, String[] reads, String[] writes, String... requires) {
    return processing(
        ProcessorDescriptor.builder(id, "1.0.0").reads(reads).writes(writes).requires(requires).build(),
        item -> {});
  }

  @Override
  public ProcessorDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public Processor create(ProcessorContext context) {
    return create.apply(context);
  }
}
