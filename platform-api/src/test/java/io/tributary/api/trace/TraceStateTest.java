package io.tributary.api.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceStateTest {

  private static String members(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "k" + i + "=v" + i)
        .collect(Collectors.joining(","));
  }

  @Test
  void parsesMembersInOrder() {
    TraceState state = TraceState.parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

    assertThat(state.size()).isEqualTo(2);
    assertThat(state.get("rojo")).isEqualTo("00f067aa0ba902b7");
    assertThat(state.get("congo")).isEqualTo("t61rcWkgMzE");
    assertThat(state.get("absent")).isNull();
    assertThat(state.asMap().keySet()).containsExactly("rojo", "congo");
    assertThat(state.format()).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  }

  @Test
  void nullEmptyAndBlankHeadersGiveTheEmptyState() {
    assertThat(TraceState.parse(null)).isSameAs(TraceState.empty());
    assertThat(TraceState.parse("")).isSameAs(TraceState.empty());
    assertThat(TraceState.parse(" , \t,")).isSameAs(TraceState.empty());
    assertThat(TraceState.empty().isEmpty()).isTrue();
    assertThat(TraceState.empty().format()).isEmpty();
    assertThat(TraceState.validate("")).isNull();
    assertThat(TraceState.validate(null)).isEqualTo("header is missing");
  }

  @Test
  void toleratesWhitespaceAroundMembersAndEmptyMembers() {
    TraceState state = TraceState.parse(" \ta=1 ,, b=2\t,  ,c=3 ");

    assertThat(state.asMap())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"));
    assertThat(state.format()).isEqualTo("a=1,b=2,c=3");
  }

  @Test
  void keepsSpacesInsideAndAtTheStartOfAValue() {
    TraceState state = TraceState.parse("a= x y,b=!~");

    assertThat(state.get("a")).isEqualTo(" x y");
    assertThat(state.get("b")).isEqualTo("!~");
  }

  @Test
  void acceptsExactly32Members() {
    TraceState state = TraceState.parse(members(32));

    assertThat(state.size()).isEqualTo(32);
    assertThat(state.format()).isEqualTo(members(32));
  }

  @Test
  void emptyMembersDoNotCountTowardsTheLimit() {
    assertThat(TraceState.parse(members(32) + ",,, ,").size()).isEqualTo(32);
  }

  @Test
  void rejects33MembersAsAWhole() {
    assertThat(TraceState.parse(members(33))).isSameAs(TraceState.empty());
    assertThat(TraceState.validate(members(33))).isEqualTo("more than 32 list-members");
  }

  @Test
  void rejectsDuplicateKeysAsAWhole() {
    assertThat(TraceState.parse("a=1,b=2,a=3")).isSameAs(TraceState.empty());
    assertThat(TraceState.validate("a=1,b=2,a=3")).isEqualTo("duplicate key");
  }

  static Iterable<String> invalidKeys() {
    return List.of(
        "A",
        "aB",
        "1a",
        "_a",
        "a b",
        "a.b",
        "a%",
        "a".repeat(257),
        "@sys",
        "tenant@",
        "tenant@1sys",
        "tenant@Sys",
        "t@s@x",
        "_t@sys",
        "a".repeat(242) + "@sys",
        "tenant@" + "s".repeat(15),
        "é");
  }

  @ParameterizedTest
  @MethodSource("invalidKeys")
  void rejectsInvalidKeys(String key) {
    assertThat(TraceState.parse("ok=1," + key + "=v")).isSameAs(TraceState.empty());
    assertThat(TraceState.validate("ok=1," + key + "=v")).isEqualTo("invalid key");
    assertThatThrownBy(() -> TraceState.empty().with(key, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key");
  }

  static Iterable<String> validKeys() {
    return List.of(
        "a",
        "a0_-*/",
        "a".repeat(256),
        "0@a",
        "1tenant@sys",
        "t_-*/@s_-*/9",
        "a".repeat(241) + "@sys",
        "tenant@" + "s".repeat(14));
  }

  @ParameterizedTest
  @MethodSource("validKeys")
  void acceptsValidKeys(String key) {
    assertThat(TraceState.parse(key + "=v").get(key)).isEqualTo("v");
    assertThat(TraceState.empty().with(key, "v").format()).isEqualTo(key + "=v");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"a=", "a=b=c", "a=\u00e9", "a=x\u0001y", "a=x\ty", "a=\u007f", "=v", "novalue"})
  void rejectsInvalidMembers(String member) {
    assertThat(TraceState.parse("ok=1," + member)).isSameAs(TraceState.empty());
    assertThat(TraceState.validate("ok=1," + member)).isNotNull();
  }

  @Test
  void valueLengthIsLimitedTo256() {
    assertThat(TraceState.parse("a=" + "v".repeat(256)).get("a")).hasSize(256);
    assertThat(TraceState.parse("a=" + "v".repeat(257))).isSameAs(TraceState.empty());
    assertThatThrownBy(() -> TraceState.empty().with("a", "v".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withRejectsAValueEndingInSpace() {
    assertThatThrownBy(() -> TraceState.empty().with("a", "v "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value");
    assertThatThrownBy(() -> TraceState.empty().with("a", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void withPutsANewMemberFirst() {
    TraceState state = TraceState.parse("a=1,b=2").with("c", "3");

    assertThat(state.format()).isEqualTo("c=3,a=1,b=2");
  }

  @Test
  void withMovesAnUpdatedMemberFirst() {
    TraceState original = TraceState.parse("a=1,b=2,c=3");
    TraceState updated = original.with("b", "20");

    assertThat(updated.format()).isEqualTo("b=20,a=1,c=3");
    assertThat(original.format()).isEqualTo("a=1,b=2,c=3");
  }

  @Test
  void withDropsTheRightmostMemberBeyond32() {
    TraceState state = TraceState.parse(members(32)).with("new", "x");

    assertThat(state.size()).isEqualTo(32);
    assertThat(state.asMap().keySet())
        .startsWith("new", "k0")
        .contains("k30")
        .doesNotContain("k31");
  }

  @Test
  void updatingAMemberOfAFullStateDropsNothing() {
    TraceState state = TraceState.parse(members(32)).with("k31", "x");

    assertThat(state.size()).isEqualTo(32);
    assertThat(state.asMap().keySet()).startsWith("k31", "k0").contains("k30");
  }

  @Test
  void withoutRemovesAMember() {
    TraceState state = TraceState.parse("a=1,b=2,c=3");

    assertThat(state.without("b").format()).isEqualTo("a=1,c=3");
    assertThat(state.without("absent")).isSameAs(state);
    assertThat(TraceState.parse("a=1").without("a")).isSameAs(TraceState.empty());
  }

  @Test
  void asMapIsUnmodifiable() {
    Map<String, String> map = TraceState.parse("a=1").asMap();

    assertThatThrownBy(() -> map.put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalityFollowsMembersAndOrder() {
    assertThat(TraceState.parse("a=1, b=2")).isEqualTo(TraceState.parse("a=1,b=2"));
    assertThat(TraceState.parse("a=1,b=2").hashCode())
        .isEqualTo(TraceState.parse("a=1, b=2").hashCode());
    assertThat(TraceState.parse("a=1,b=2")).isNotEqualTo(TraceState.parse("b=2,a=1"));
  }
}
