package io.tributary.plugins.piiredaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10 kB values built to make a naive matcher backtrack or rescan. Each must give the expected
 * result, and quickly: the time bound is generous (it catches quadratic or exponential behaviour,
 * it is not a performance target).
 */
class AdversarialInputTest {

  private static final int SIZE = 10_000;
  private static final long BOUND_NANOS = 200_000_000L;
  private static final Processor PROCESSOR = Redaction.processor(Map.of("maxScanLength", 100_000,
      "customPatterns", Map.of("employee_id", "EMP-\\d{6}", "greedy", "[a-z]+\\d+[a-z]*Z")));

  static Stream<Arguments> inputs() {
    return Stream.of(
        unchanged("near-miss emails a@a@a@", repeat("a@")),
        unchanged("emails without a top-level domain", repeat("a@b.")),
        unchanged("emails running into each other", repeat("a@b.coa@")),
        unchanged("ten thousand digits", repeat("1")),
        unchanged("ten thousand card-like digits", repeat("4")),
        unchanged("a run of dots", repeat(".")),
        unchanged("digits and dots", repeat("1.")),
        unchanged("digits and spaces", repeat("1 ")),
        unchanged("digits and dashes", repeat("1-")),
        unchanged("four-digit groups failing the issuer check", repeat("1234 ")),
        unchanged("colons", repeat(":")),
        unchanged("hex and colons", repeat("a1:")),
        unchanged("double colons", repeat("1::")),
        unchanged("plus signs and digits", repeat("+1")),
        unchanged("parentheses and digits", repeat("(1")),
        unchanged("JWT headers without segments", repeat("eyJ")),
        unchanged("short JWT-like segments", repeat("eyJ.")),
        unchanged("Bearer without tokens", repeat("Bearer ")),
        unchanged("unicode letters", repeat("é")),
        unchanged("unicode around at signs", repeat("ü@ü.")),
        unchanged("surrogate pairs", repeat("\uD83D\uDE00@")),
        unchanged("an email local part with no at sign", repeat("a.b+c-d_")),
        unchanged("a domain label that never ends", "x@" + repeat("a")),
        unchanged("API key prefixes with short bodies", repeat("sk_live_ab ")),
        unchanged("almost-AWS keys", repeat("AKIA ")),
        changed("a huge domain is still an email", "a@" + repeat("b.") + "com",
            v -> assertThat(v).isEqualTo("[REDACTED:email]")),
        changed("many real cards", repeat("4111111111111111 "),
            v -> assertThat(v).doesNotContain("4111").contains("[REDACTED:card]")),
        changed("many real emails", repeat("user@example.com "),
            v -> assertThat(v).doesNotContain("@").contains("[REDACTED:email]")),
        changed("many JWT segments", repeat("eyJhbGciOiJIUzI1NiJ9."),
            v -> assertThat(v).startsWith("[REDACTED:jwt]")),
        changed("one API key body runs on", "sk_live_" + repeat("a"),
            v -> assertThat(v).isEqualTo("[REDACTED:api_key]")),
        changed("one bearer token runs on", "Bearer " + repeat("a1"),
            v -> assertThat(v).isEqualTo("Bearer [REDACTED:bearer]")),
        changed("IPv4 addresses back to back", repeat("10.0.0.1 "),
            v -> assertThat(v).doesNotContain("10.0").contains("[REDACTED:ipv4]")),
        // The detectors of credentials, secret formats, IBANs, SSNs, custom patterns and JSON.
        unchanged("separators after non-credential words", repeat("a=b:")),
        unchanged("colons", repeat("x:")),
        unchanged("credential words with placeholders", repeat("password: **** ")),
        unchanged("credential words with empty values", repeat("token= ")),
        unchanged("a key longer than any credential word", repeat("a") + "password=hunter2"),
        unchanged("URL schemes without user info", repeat("a://b/")),
        unchanged("URL user info that never reaches an at sign", "https://" + repeat("u:p")),
        unchanged("Basic with base64 that is no credential", "Basic " + repeat("QUFB")),
        unchanged("Basic over and over", repeat("Basic ")),
        unchanged("PEM headers without a private key", repeat("-----BEGIN ")),
        unchanged("IBAN-like groups failing mod 97", repeat("DE89 3704 ")),
        unchanged("SSN-like groups", repeat("536-22-")),
        unchanged("deeply nested JSON arrays", "[".repeat(5_000) + "]".repeat(5_000)),
        unchanged("JSON strings that never close", "[\"" + repeat("a")),
        unchanged("custom pattern near misses", repeat("EMP-00421 ")),
        unchanged("credential words before ordinary words", repeat("token token password ")),
        unchanged("a credential word before a long word", "token " + repeat("a")),
        changed("credential words before random tokens", repeat("token 8f3kQ2mP9xL4vR7tY1wZ "),
            v -> assertThat(v).doesNotContain("8f3k").contains("[REDACTED:credential]")),
        changed("one credential value runs on", "password=" + repeat("p"),
            v -> assertThat(v).isEqualTo("password=[REDACTED:credential]")),
        changed("an unterminated quoted credential", repeat("password=\""),
            v -> assertThat(v).startsWith("password=\"[REDACTED:credential]")),
        changed("credential pairs back to back", repeat("pwd=x&"),
            v -> assertThat(v).doesNotContain("=x").contains("[REDACTED:credential]")),
        changed("a private key without an END line", "-----BEGIN RSA PRIVATE KEY-----" + repeat("A"),
            v -> assertThat(v).isEqualTo("[REDACTED:private_key]")),
        changed("private key headers over and over", repeat("-----BEGIN EC PRIVATE KEY-----"),
            v -> assertThat(v).isEqualTo("[REDACTED:private_key]")),
        changed("many IBANs", repeat("DE89370400440532013000 "),
            v -> assertThat(v).doesNotContain("DE89").contains("[REDACTED:iban]")),
        changed("many JSON pairs with a sensitive key", "{" + "\"password\":\"x\",".repeat(800) + "\"a\":1}",
            v -> assertThat(v).doesNotContain("\"x\"").contains("[REDACTED:key_name]")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void adversarial_values_are_handled_in_linear_time(String name, String value, Consumer<String> check) {
    Item item = Item.log().body(value);
    item.attributes().put("note", value);
    long start = System.nanoTime();
    PROCESSOR.process(item);
    long elapsed = System.nanoTime() - start;
    check.accept(item.body());
    check.accept(item.attributes().getString("note"));
    assertThat(elapsed).as("nanoseconds for two %d-character values", value.length())
        .isLessThan(BOUND_NANOS);
  }

  @ParameterizedTest(name = "random printable text, seed {0}")
  @MethodSource("seeds")
  void random_text_is_handled_in_linear_time(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String alphabet = "aeyJB@.:+(-_ 0123456789fAKI=/\"'{}[]DEpwdsB";
    StringBuilder sb = new StringBuilder(SIZE);
    for (int i = 0; i < SIZE; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    Item item = Item.log().body(sb.toString());
    long start = System.nanoTime();
    PROCESSOR.process(item);
    assertThat(System.nanoTime() - start).isLessThan(BOUND_NANOS);
    assertThat(item.body()).isNotNull();
  }

  static Stream<Long> seeds() {
    return Stream.of(1L, 2L, 3L);
  }

  private static String repeat(String unit) {
    return unit.repeat(Math.max(1, SIZE / unit.length()));
  }

  private static Arguments unchanged(String name, String value) {
    return Arguments.of(name, value, (Consumer<String>) v -> assertThat(v).isEqualTo(value));
  }

  private static Arguments changed(String name, String value, Consumer<String> check) {
    return Arguments.of(name, value, check);
  }
}
