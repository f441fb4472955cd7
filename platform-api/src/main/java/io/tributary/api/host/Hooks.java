package io.tributary.api.host;

import io.tributary.api.Item;
import java.util.List;

/**
 * The bridge through which {@link ChangeTracker} reaches the item model's undo log, which the
 * model keeps package-private so that plugins cannot tamper with it. The model installs the one
 * implementation when {@link Item} is initialized; nothing else can install one.
 */
public abstract class Hooks {

  private static Hooks installed;

  /** For the item model's implementation only. */
  protected Hooks() {}

  /**
   * Installs the model's implementation. Called once, by {@link Item}'s initializer.
   *
   * @throws IllegalStateException if one is installed already
   */
  public static synchronized void install(Hooks hooks) {
    if (installed != null) {
      throw new IllegalStateException("the item model's hooks are installed already");
    }
    installed = hooks;
  }

  static synchronized Hooks get() {
    if (installed == null) {
      try {
        Class.forName(Item.class.getName(), true, Item.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    if (installed == null) {
      throw new IllegalStateException("the item model installed no hooks");
    }
    return installed;
  }

  /**
   * The item fields a descriptor may name as {@code field:<name>}: {@code name}, {@code
   * trace_id}, …, {@code scope_version}.
   */
  public static List<String> itemFields() {
    return get().fields();
  }

  protected abstract List<String> fields();

  protected abstract Object newLog();

  /** Attaches {@code log} to {@code item}, or detaches with null; throws if tracked elsewhere. */
  protected abstract void attach(Item item, Object log);

  /** Like {@link #attach}, but attaching the log already attached is allowed. */
  protected abstract void attachShared(Item item, Object log);

  protected abstract int size(Object log);

  protected abstract String describe(Object log, int index);

  protected abstract Item owner(Object log, int index);

  protected abstract int part(Object log, int index);

  protected abstract String name(Object log, int index);

  protected abstract void undoTo(Object log, int mark);

  protected abstract void clear(Object log);
}
