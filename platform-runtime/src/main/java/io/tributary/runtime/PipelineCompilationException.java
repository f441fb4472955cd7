package io.tributary.runtime;

import java.util.List;
import java.util.stream.Collectors;

/** A pipeline spec did not compile; {@link #diagnostics()} says why, stage by stage. */
public final class PipelineCompilationException extends RuntimeException {

  private final List<Diagnostic> diagnostics;

  public PipelineCompilationException(List<Diagnostic> diagnostics) {
    super(summary(diagnostics));
    this.diagnostics = List.copyOf(diagnostics);
  }

  /** Every finding, errors and warnings, in stage order. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** The errors only. */
  public List<Diagnostic> errors() {
    return diagnostics.stream().filter(Diagnostic::isError).collect(Collectors.toList());
  }

  private static String summary(List<Diagnostic> diagnostics) {
    List<String> errors = diagnostics.stream()
        .filter(Diagnostic::isError)
        .map(Diagnostic::toString)
        .collect(Collectors.toList());
    return "pipeline does not compile: " + String.join("; ", errors);
  }
}
