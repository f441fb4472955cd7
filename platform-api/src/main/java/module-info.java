/**
 * The Tributary processor SPI. A plugin author needs this module alone.
 *
 * <p>{@code io.tributary.api} holds the item model and the processor contract; {@code
 * io.tributary.api.trace} the W3C trace-context helpers. Nothing here depends on a third-party
 * library. {@code io.tributary.api.host} is the host's access to the model's undo log, exported
 * to the runtime only.
 */
module io.tributary.api {
  exports io.tributary.api;
  exports io.tributary.api.trace;
  exports io.tributary.api.host to io.tributary.runtime;
}
