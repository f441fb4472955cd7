package io.tributary.runtime;

import java.util.Objects;

/**
 * A finding of the pipeline compiler, tied to a stage and, where there is one, a key.
 *
 * @param severity errors stop the pipeline from compiling; warnings and notes do not
 * @param stageIndex position of the stage in the spec, or -1 for the pipeline as a whole
 * @param stage the stage name, or null
 * @param key the config key or item key concerned, or null
 * @param message what is wrong and, where possible, how to fix it
 */
public record Diagnostic(Severity severity, int stageIndex, String stage, String key, String message) {

  /** How serious a finding is. */
  public enum Severity {
    ERROR,
    WARNING,
    INFO
  }

  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code ERROR stage 'pii' (#3) config 'mode': …}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(severity.name());
    if (stage != null) {
      sb.append(" stage '").append(stage).append("' (#").append(stageIndex + 1).append(')');
    }
    if (key != null) {
      sb.append(" key '").append(key).append('\'');
    }
    return sb.append(": ").append(message).toString();
  }
}
