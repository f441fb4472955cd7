package io.tributary.server.config;

import java.util.Objects;

/** A setting has a value the server cannot use. The message names the option and the source. */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Setting setting;

  InvalidConfigException(Setting setting, String message) {
    super(message);
    this.setting = Objects.requireNonNull(setting, "setting");
  }

  /** The setting whose value was refused. */
  public Setting setting() {
    return setting;
  }
}
