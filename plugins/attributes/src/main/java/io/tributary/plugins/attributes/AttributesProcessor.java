package io.tributary.plugins.attributes;

import io.tributary.api.Item;
import io.tributary.api.Processor;

/** Applies the parsed actions in order. Immutable, so thread-safe. */
final class AttributesProcessor implements Processor {

  private final Action[] actions;
  private final Hmac hmac;

  AttributesProcessor(Action[] actions, Hmac hmac) {
    this.actions = actions;
    this.hmac = hmac;
  }

  @Override
  public void process(Item item) {
    for (Action action : actions) {
      action.apply(item, hmac);
    }
  }
}
