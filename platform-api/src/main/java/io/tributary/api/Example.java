package io.tributary.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A worked example of a processor: run with {@code config} on {@code input}, it must produce
 * {@code expected}. Shown in the catalog and run by the host's and the plugin test kit's checks,
 * so documentation cannot drift from behaviour. Immutable: the items are copied in and every
 * accessor returns a fresh copy.
 */
public final class Example {
  private final String title;
  private final Map<String, Object> config;
  private final Item input;
  private final Item expected;

  private Example(String title, Map<String, ?> config, Item input, Item expected) {
    this.title = Objects.requireNonNull(title, "title");
    this.config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    this.input = Objects.requireNonNull(input, "input").copy();
    this.expected = Objects.requireNonNull(expected, "expected").copy();
  }

  /**
   * Creates an example. {@code config} is raw configuration, as an operator would write it in
   * JSON (strings, numbers, booleans, lists and maps of them).
   */
  public static Example of(String title, Map<String, ?> config, Item input, Item expected) {
    return new Example(title, config, input, expected);
  }

  public String title() {
    return title;
  }

  /** The raw configuration the example runs with. */
  public Map<String, Object> config() {
    return config;
  }

  /** Returns a fresh copy of the input item. */
  public Item input() {
    return input.copy();
  }

  /** Returns a fresh copy of the expected output item. */
  public Item expected() {
    return expected.copy();
  }
}
