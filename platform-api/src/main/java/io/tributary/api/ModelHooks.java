package io.tributary.api;

import io.tributary.api.host.Hooks;
import java.util.Arrays;
import java.util.List;

/** The item model's side of {@link Hooks}: the undo log, reached from the host package. */
final class ModelHooks extends Hooks {

  private static final List<String> FIELDS =
      List.copyOf(Arrays.asList(Item.FIELD_NAMES).subList(0, Item.F_DEAD_LETTER));

  @Override
  protected List<String> fields() {
    return FIELDS;
  }

  @Override
  protected Object newLog() {
    return new ChangeLog();
  }

  @Override
  protected void attach(Item item, Object log) {
    item.attach((ChangeLog) log);
  }

  @Override
  protected void attachShared(Item item, Object log) {
    item.attachShared((ChangeLog) log);
  }

  @Override
  protected int size(Object log) {
    return ((ChangeLog) log).size();
  }

  @Override
  protected String describe(Object log, int index) {
    return ((ChangeLog) log).describe(index);
  }

  @Override
  protected Item owner(Object log, int index) {
    return ((ChangeLog) log).owner(index);
  }

  @Override
  protected int part(Object log, int index) {
    return ((ChangeLog) log).part(index);
  }

  @Override
  protected String name(Object log, int index) {
    return ((ChangeLog) log).name(index);
  }

  @Override
  protected void undoTo(Object log, int mark) {
    ((ChangeLog) log).undoTo(mark);
  }

  @Override
  protected void clear(Object log) {
    ((ChangeLog) log).clear();
  }
}
