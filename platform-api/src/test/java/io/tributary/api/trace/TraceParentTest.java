package io.tributary.api.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParentTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final String VALID = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";

  @Test
  void parsesVersion00Header() {
    TraceParent parent = TraceParent.parse(VALID);

    assertThat(parent).isNotNull();
    assertThat(parent.version()).isZero();
    assertThat(parent.traceId()).isEqualTo(TRACE_ID);
    assertThat(parent.spanId()).isEqualTo(SPAN_ID);
    assertThat(parent.flags()).isEqualTo(1);
    assertThat(parent.sampled()).isTrue();
    assertThat(TraceParent.validate(VALID)).isNull();
  }

  @ParameterizedTest
  @CsvSource({"00, 0, false", "01, 1, true", "02, 2, false", "03, 3, true", "ff, 255, true"})
  void readsFlagsAndSampledBit(String flags, int value, boolean sampled) {
    TraceParent parent = TraceParent.parse("00-" + TRACE_ID + "-" + SPAN_ID + "-" + flags);

    assertThat(parent.flags()).isEqualTo(value);
    assertThat(parent.sampled()).isEqualTo(sampled);
  }

  @Test
  void formatRoundTripsAndKeepsAllFlagBits() {
    assertThat(TraceParent.parse(VALID).format()).isEqualTo(VALID);
    assertThat(TraceParent.of(TRACE_ID, SPAN_ID, 0xa5).format())
        .isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-a5");
    assertThat(TraceParent.of(TRACE_ID, SPAN_ID, 0).format()).endsWith("-00");
  }

  @Test
  void parsedAndBuiltValuesAreEqual() {
    assertThat(TraceParent.parse(VALID)).isEqualTo(TraceParent.of(TRACE_ID, SPAN_ID, 1));
    assertThat(TraceParent.parse(VALID)).isNotEqualTo(TraceParent.of(TRACE_ID, SPAN_ID, 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "\t", "  \t", " \t "})
  void ignoresSpacesAndTabsAroundTheHeader(String ows) {
    assertThat(TraceParent.parse(ows + VALID)).isEqualTo(TraceParent.parse(VALID));
    assertThat(TraceParent.parse(VALID + ows)).isEqualTo(TraceParent.parse(VALID));
    assertThat(TraceParent.parse(ows + VALID + ows)).isEqualTo(TraceParent.parse(VALID));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // all-zero ids
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01 | trace-id must not be all zeros",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01 | parent-id must not be all zeros",
        // wrong field lengths
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01 | trace-id must be 32",
        "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01 | trace-id must be 32",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01 | parent-id must be 16",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b77-01 | parent-id must be 16",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1 | trace-flags must be 2",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-001 | trace-flags must be 2",
        "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | version must be 2",
        "000-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | version must be 2",
        // uppercase hex
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01 | trace-id must be 32",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01 | parent-id must be 16",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A | trace-flags must be 2",
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | version must be 2",
        // non-hex characters and bad flags
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01 | trace-id must be 32",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b.-01 | parent-id must be 16",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g | trace-flags must be 2",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz | trace-flags must be 2",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-+1 | trace-flags must be 2",
        "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | version must be 2",
        // version ff
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | version ff is forbidden",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra | version ff is forbidden",
        // wrong delimiters
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01 | version must be 2",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01 | trace-id must be 32",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7.01 | parent-id must be 16",
        "00--4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | trace-id must be 32",
        // missing fields
        "00 | trace-id is missing",
        "00-4bf92f3577b34da6a3ce929d0e0e4736 | parent-id is missing",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7 | trace-flags are missing",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7- | trace-flags must be 2",
        // version 00 must be exactly 55 characters
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01- | version 00 must end",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what | version 00 must end",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x | trace-flags must be 2",
        // whitespace that is not around the whole header
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 x | trace-flags must be 2",
        "00- 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | trace-id must be 32",
        "00 -4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 | version must be 2",
        // future versions still need valid first fields
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7 | trace-flags are missing",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what | trace-flags must be 2",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01what | trace-flags must be 2",
        "cc-00000000000000000000000000000000-00f067aa0ba902b7-01-x | trace-id must not be all",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01-xyz | parent-id must be 16",
      })
  void rejectsInvalidHeadersWithAReason(String header, String reason) {
    assertThat(TraceParent.parse(header)).isNull();
    assertThat(TraceParent.validate(header)).startsWith(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\u000b", "\u00a0", "\u0000", "x"})
  void rejectsOtherTrailingOrLeadingCharacters(String junk) {
    assertThat(TraceParent.parse(VALID + junk)).isNull();
    assertThat(TraceParent.parse(junk + VALID)).isNull();
    assertThat(TraceParent.validate(VALID + junk)).isNotNull();
  }

  @Test
  void nullAndBlankHeadersAreInvalid() {
    assertThat(TraceParent.parse(null)).isNull();
    assertThat(TraceParent.validate(null)).isEqualTo("header is missing");
    assertThat(TraceParent.parse("")).isNull();
    assertThat(TraceParent.validate(" \t ")).isEqualTo("header is empty");
  }

  @Test
  void futureVersionOfExactly55CharactersParses() {
    TraceParent parent = TraceParent.parse("cc-" + TRACE_ID + "-" + SPAN_ID + "-01");

    assertThat(parent).isNotNull();
    assertThat(parent.version()).isEqualTo(0xcc);
    assertThat(parent.traceId()).isEqualTo(TRACE_ID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-", "-what-the-future-will-be-like", "-01-02-03", "--"})
  void futureVersionWithExtraFieldsParsesTheFirstFour(String rest) {
    TraceParent parent = TraceParent.parse("cc-" + TRACE_ID + "-" + SPAN_ID + "-03" + rest);

    assertThat(parent).isNotNull();
    assertThat(parent.version()).isEqualTo(0xcc);
    assertThat(parent.spanId()).isEqualTo(SPAN_ID);
    assertThat(parent.flags()).isEqualTo(3);
    assertThat(parent.format()).isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-03");
  }

  @Test
  void scansOnlyThePrefixOfAHugeFutureVersionHeader() {
    String header = "01-" + TRACE_ID + "-" + SPAN_ID + "-01-" + "x".repeat(1_000_000);

    assertThat(TraceParent.parse(header)).isEqualTo(new TraceParent(1, TRACE_ID, SPAN_ID, 1));
    assertThat(TraceParent.parse("01-" + "a".repeat(1_000_000))).isNull();
  }

  @Test
  void ofRejectsBadArgumentsNamingTheProblem() {
    assertThatThrownBy(() -> TraceParent.of(TRACE_ID.toUpperCase(), SPAN_ID, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("traceId");
    assertThatThrownBy(() -> TraceParent.of("0".repeat(32), SPAN_ID, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("traceId");
    assertThatThrownBy(() -> TraceParent.of(TRACE_ID, "0".repeat(16), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spanId");
    assertThatThrownBy(() -> TraceParent.of(TRACE_ID, SPAN_ID + "0", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spanId");
    assertThatThrownBy(() -> TraceParent.of(TRACE_ID, SPAN_ID, 256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flags");
    assertThatThrownBy(() -> TraceParent.of(TRACE_ID, SPAN_ID, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flags");
    assertThatThrownBy(() -> TraceParent.of(null, SPAN_ID, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("traceId");
    assertThatThrownBy(() -> new TraceParent(0xff, TRACE_ID, SPAN_ID, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version");
  }

  @Test
  void parseAndValidateAgreeOnMutatedHeadersAndNeverThrow() {
    SplittableRandom random = new SplittableRandom(42);
    String alphabet = "0123456789abcdefABCDEF-xz \t";
    int accepted = 0;
    for (int round = 0; round < 20_000; round++) {
      String start = random.nextInt(3) == 0 ? "cc" + VALID.substring(2) : VALID;
      StringBuilder header = new StringBuilder(start);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(header.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> header.insert(at, c);
          case 1 -> {
            if (at < header.length()) {
              header.deleteCharAt(at);
            }
          }
          default -> {
            if (at < header.length()) {
              header.setCharAt(at, c);
            }
          }
        }
      }
      TraceParent parsed = TraceParent.parse(header);
      assertThat(parsed == null).isEqualTo(TraceParent.validate(header) != null);
      if (parsed != null) {
        accepted++;
        assertThat(TraceParent.parse(parsed.format()))
            .isEqualTo(TraceParent.of(parsed.traceId(), parsed.spanId(), parsed.flags()));
      }
    }
    assertThat(accepted).isPositive().isLessThan(20_000);
  }

  // ---------------------------------------------------------------- ids on their own

  @Test
  void newTraceIdsAreValidAndDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = TraceParent.newTraceId();
      assertThat(id).hasSize(32).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
      assertThat(TraceParent.isValidTraceId(id)).isTrue();
      ids.add(id);
    }
    assertThat(ids).hasSize(10_000);
  }

  @Test
  void newSpanIdsAreValidAndDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = TraceParent.newSpanId();
      assertThat(id).matches("[0-9a-f]{16}");
      assertThat(TraceParent.isValidSpanId(id)).isTrue();
      ids.add(id);
    }
    assertThat(ids).hasSize(10_000);
  }

  @Test
  void generatedIdsUseEveryHexDigitInEveryPosition() {
    // Catches a broken hex writer (a fixed nibble, a shifted field) that still yields valid ids.
    List<Set<Character>> seen = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      seen.add(new HashSet<>());
    }
    for (int n = 0; n < 2_000; n++) {
      String id = TraceParent.newTraceId();
      for (int i = 0; i < 32; i++) {
        seen.get(i).add(id.charAt(i));
      }
    }
    assertThat(seen).allSatisfy(digits -> assertThat(digits).hasSize(16));
  }

  @Test
  void validTraceAndSpanIds() {
    assertThat(TraceParent.isValidTraceId("4bf92f3577b34da6a3ce929d0e0e4736")).isTrue();
    assertThat(TraceParent.isValidTraceId("00000000000000000000000000000001")).isTrue();
    assertThat(TraceParent.isValidSpanId("00f067aa0ba902b7")).isTrue();
    assertThat(TraceParent.isValidSpanId("0000000000000001")).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "00000000000000000000000000000000",
        "4BF92F3577B34DA6A3CE929D0E0E4736",
        "4bf92f3577b34da6a3ce929d0e0e473",
        "4bf92f3577b34da6a3ce929d0e0e47360",
        "4bf92f3577b34da6a3ce929d0e0e473g",
        "4bf92f35-7b34da6a3ce929d0e0e4736",
        " 4bf92f3577b34da6a3ce929d0e0e473",
      })
  void invalidTraceIds(String id) {
    assertThat(TraceParent.isValidTraceId(id)).isFalse();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "0000000000000000",
        "00F067AA0BA902B7",
        "00f067aa0ba902b",
        "00f067aa0ba902b77",
        "00f067aa0ba902bz",
      })
  void invalidSpanIds(String id) {
    assertThat(TraceParent.isValidSpanId(id)).isFalse();
  }

  @Test
  void normalizeTraceIdLowercasesRepairableIds() {
    assertThat(TraceParent.normalizeTraceId("4BF92F3577B34DA6A3CE929D0E0E4736"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(TraceParent.normalizeTraceId("4bF92f3577B34da6a3ce929d0e0e4736"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(TraceParent.normalizeTraceId("4bf92f3577b34da6a3ce929d0e0e4736"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "00000000000000000000000000000000",
        "4BF92F3577B34DA6A3CE929D0E0E473",
        "4BF92F3577B34DA6A3CE929D0E0E47366",
        "4BF92F3577B34DA6A3CE929D0E0E473G",
        "4bf92f35-7b34-da6a-3ce9-29d0e0e4",
      })
  void normalizeTraceIdRejectsUnrepairableIds(String id) {
    assertThat(TraceParent.normalizeTraceId(id)).isNull();
  }
}
