/**
 * The processor contract. A plugin author implements {@link io.tributary.api.ProcessorFactory}
 * (found through {@link java.util.ServiceLoader}) and {@link io.tributary.api.Processor} (whose
 * Javadoc is the contract: thread-safety, blocking, mutation, bad data, routing, batches),
 * describes it with a {@link io.tributary.api.ProcessorDescriptor} (its keys, its {@link
 * io.tributary.api.ConfigField configuration} and worked {@link io.tributary.api.Example
 * examples}), is created with a {@link io.tributary.api.ProcessorContext} holding the typed
 * {@link io.tributary.api.ProcessorConfig}, and reads and writes {@link io.tributary.api.Item}s
 * and their {@link io.tributary.api.Attributes}. Everything here is what plugins write against;
 * the host's checks and machinery live in the runtime, and {@code platform-testkit} runs them in
 * a plugin's own tests.
 */
package io.tributary.api;
