/**
 * The processor contract: a plugin author implements {@link io.tributary.api.ProcessorFactory} and
 * {@link io.tributary.api.Processor}, describes it with a {@link
 * io.tributary.api.ProcessorDescriptor}, and reads and writes {@link io.tributary.api.Item}s.
 */
package io.tributary.api;
