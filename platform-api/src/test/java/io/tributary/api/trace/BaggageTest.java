package io.tributary.api.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BaggageTest {

  private static String members(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "m" + i + "=" + i)
        .collect(Collectors.joining(","));
  }

  @Test
  void parsesAndDecodesEntriesInOrder() {
    Baggage baggage = Baggage.parse("userId=alice,serverNode=DF%2028,isProduction=false");

    assertThat(baggage.size()).isEqualTo(3);
    assertThat(baggage.get("serverNode")).isEqualTo("DF 28");
    assertThat(baggage.asMap())
        .containsExactly(
            Map.entry("userId", "alice"),
            Map.entry("serverNode", "DF 28"),
            Map.entry("isProduction", "false"));
    assertThat(baggage.format()).isEqualTo("userId=alice,serverNode=DF%2028,isProduction=false");
  }

  @Test
  void nullAndBlankHeadersGiveEmptyBaggage() {
    assertThat(Baggage.parse(null)).isSameAs(Baggage.empty());
    assertThat(Baggage.parse("")).isSameAs(Baggage.empty());
    assertThat(Baggage.parse(" ,\t, ")).isSameAs(Baggage.empty());
    assertThat(Baggage.empty().format()).isEmpty();
  }

  @Test
  void allowsWhitespaceAroundSeparators() {
    Baggage baggage = Baggage.parse(" \ta = 1 ,b\t=\t2 ; p = x ; q\t, , c=");

    assertThat(baggage.asMap())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", ""));
    assertThat(baggage.names()).containsExactly("a", "b", "c");
    assertThat(baggage.metadata("b")).isEqualTo("p=x;q");
    assertThat(baggage.metadata("a")).isEmpty();
    assertThat(baggage.format()).isEqualTo("a=1,b=2;p=x;q,c=");
  }

  @Test
  void namesAndMetadataDescribeEachEntry() {
    Baggage baggage = Baggage.parse("k=v;ttl = 5 ; secret,plain=1,empty=");

    assertThat(baggage.names()).containsExactly("k", "plain", "empty");
    assertThat(baggage.metadata("k")).isEqualTo("ttl=5;secret");
    assertThat(baggage.metadata("plain")).isEmpty();
    assertThat(baggage.metadata("empty")).isEmpty();
    assertThat(baggage.get("empty")).isEmpty();
    assertThat(baggage.metadata("absent")).isNull();
    assertThat(baggage.get("absent")).isNull();
    assertThat(Baggage.empty().names()).isEmpty();
    assertThatThrownBy(() -> baggage.metadata(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }

  @Test
  void namesAndMetadataFollowWithAndWithout() {
    Baggage baggage =
        Baggage.parse("a=1;p,b=2").with("c", "3", " ttl = 5 ").with("a", "10").without("b");

    assertThat(baggage.names()).containsExactly("a", "c");
    assertThat(baggage.get("a")).isEqualTo("10");
    assertThat(baggage.metadata("a")).as("replacing an entry replaces its metadata").isEmpty();
    assertThat(baggage.metadata("c")).isEqualTo("ttl=5");
    assertThat(baggage.metadata("b")).isNull();
  }

  @Test
  void metadataTakesPartInEquality() {
    Baggage plain = Baggage.empty().with("k", "v");

    assertThat(Baggage.empty().with("k", "v", "p")).isNotEqualTo(plain);
    assertThat(Baggage.empty().with("k", "v", "")).isEqualTo(plain).hasSameHashCodeAs(plain);
    assertThat(Baggage.parse("k=v ; p = 1")).isEqualTo(Baggage.empty().with("k", "v", "p=1"));
  }

  @Test
  void namesAreTokensAndCaseSensitive() {
    Baggage baggage = Baggage.parse("Key=1,key=2,!#$%&'*+-.^_`|~=3");

    assertThat(baggage.get("Key")).isEqualTo("1");
    assertThat(baggage.get("key")).isEqualTo("2");
    assertThat(baggage.get("!#$%&'*+-.^_`|~")).isEqualTo("3");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bad key=1",
        "=1",
        "noequals",
        "k=\"quoted\"",
        "k=a b",
        "k=back\\slash",
        "k(=1",
        "k\u00e9=1",
        "k=\u00e9",
        "k=1;",
        "k=1;;p",
        "k=1;p q",
        "k=1;=v",
        "k=1;p=a b",
        "k=1;p=\"x\"",
      })
  void skipsInvalidMembersAndKeepsTheOthers(String invalid) {
    Baggage baggage = Baggage.parse("before=1," + invalid + ",after=2");

    assertThat(baggage.asMap()).containsExactly(Map.entry("before", "1"), Map.entry("after", "2"));
  }

  @Test
  void firstOccurrenceOfANameWins() {
    Baggage baggage = Baggage.parse("a=1,b=2,a=3");

    assertThat(baggage.get("a")).isEqualTo("1");
    assertThat(baggage.format()).isEqualTo("a=1,b=2");
  }

  @Test
  void decodesPercentEncodedUtf8() {
    assertThat(Baggage.parse("k=%E2%82%AC%20%e2%82%ac").get("k")).isEqualTo("\u20ac \u20ac");
    assertThat(Baggage.parse("k=%F0%9F%98%80").get("k")).isEqualTo("\ud83d\ude00");
    assertThat(Baggage.parse("k=a+b").get("k")).isEqualTo("a+b");
  }

  @Test
  void replacesMalformedUtf8AndKeepsStrayPercentSigns() {
    assertThat(Baggage.parse("k=%FF").get("k")).isEqualTo("\ufffd");
    assertThat(Baggage.parse("k=%E2%82").get("k")).isEqualTo("\ufffd");
    assertThat(Baggage.parse("k=100%").get("k")).isEqualTo("100%");
    assertThat(Baggage.parse("k=%4").get("k")).isEqualTo("%4");
    assertThat(Baggage.parse("k=%zz%41").get("k")).isEqualTo("%zzA");
    assertThat(Baggage.parse("k=%zz").format()).isEqualTo("k=%25zz");
  }

  @Test
  void encodesEverythingOutsideBaggageOctets() {
    Baggage baggage = Baggage.empty().with("k", "a b,c;d%e\"f\\g=h/\u00e9\u20ac\ud83d\ude00\n");

    assertThat(baggage.format())
        .isEqualTo("k=a%20b%2Cc%3Bd%25e%22f%5Cg=h/%C3%A9%E2%82%AC%F0%9F%98%80%0A");
  }

  @Test
  void encodesAnUnpairedSurrogateAsReplacementCharacter() {
    assertThat(Baggage.empty().with("k", "x\ud800y").format()).isEqualTo("k=x%EF%BF%BDy");
    assertThat(Baggage.empty().with("k", "\udc00").format()).isEqualTo("k=%EF%BF%BD");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "with space",
        " leading and trailing ",
        "a,b;c=d",
        "100%",
        "%41 is not A",
        "\"quoted\\\"",
        "caf\u00e9 \u20ac \u4e2d\u6587 \ud83d\ude00",
        "\u0000\u0001\u007f",
        "+plus+",
      })
  void percentEncodingRoundTrips(String value) {
    Baggage original = Baggage.empty().with("k", value).with("other", value, "p=1");
    String header = original.format();

    assertThat(header.chars()).allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\');
    assertThat(Baggage.parse(header)).isEqualTo(original);
    assertThat(Baggage.parse(header).get("k")).isEqualTo(value);
  }

  @Test
  void keepsAtMost64Members() {
    Baggage baggage = Baggage.parse(members(65));

    assertThat(baggage.size()).isEqualTo(64);
    assertThat(baggage.get("m63")).isEqualTo("63");
    assertThat(baggage.get("m64")).isNull();
    assertThat(baggage.format()).isEqualTo(members(64));
  }

  @Test
  void skippedMembersDoNotCountTowardsTheMemberLimit() {
    String header = "bad key=1,,\"=2," + members(64);

    assertThat(Baggage.parse(header).size()).isEqualTo(64);
    assertThat(Baggage.parse(header).get("m63")).isEqualTo("63");
  }

  @Test
  void keepsExactly8192Bytes() {
    // 8 members of 1023 characters plus 7 commas is 8191; the last member gets one more.
    String header = byteSizedMembers(8, 1023) + "x";

    assertThat(header).hasSize(8192);
    assertThat(Baggage.parse(header).size()).isEqualTo(8);
    assertThat(Baggage.parse(header).format()).isEqualTo(header);
  }

  @Test
  void dropsTheMemberThatCrosses8192BytesAndAllAfterIt() {
    String header = byteSizedMembers(8, 1023) + "xy,small=1";

    Baggage baggage = Baggage.parse(header);

    assertThat(baggage.size()).isEqualTo(7);
    assertThat(baggage.get("m7")).isNull();
    assertThat(baggage.get("small")).isNull();
    assertThat(baggage.format().length()).isLessThanOrEqualTo(Baggage.MAX_BYTES);
  }

  @Test
  void measuresTheEncodedSizeNotTheHeaderSize() {
    // Decoding "%zz" keeps it literal, so it re-encodes as "%25zz", two characters longer.
    String value = "%zz".repeat(1000);
    Baggage baggage = Baggage.parse("a=" + value + ",b=" + value);

    assertThat(baggage.size()).isEqualTo(1);
    assertThat(baggage.format()).hasSize(2 + 5 * 1000);
  }

  @Test
  void dropsASingleMemberLargerThanTheLimit() {
    assertThat(Baggage.parse("k=" + "v".repeat(8191))).isSameAs(Baggage.empty());
    assertThat(Baggage.parse("k=" + "v".repeat(8190)).size()).isEqualTo(1);
  }

  @Test
  void parsesAHugeHeaderWithoutThrowing() {
    String header = (members(10) + ",").repeat(20_000);

    Baggage baggage = Baggage.parse(header);

    assertThat(baggage.size()).isEqualTo(10);
  }

  @Test
  void formatAppliesTheLimitsToBuiltBaggage() {
    Baggage many = Baggage.empty();
    for (int i = 0; i < 70; i++) {
      many = many.with("m" + i, Integer.toString(i));
    }
    Baggage big =
        Baggage.empty().with("a", "v".repeat(5000)).with("b", "v".repeat(5000)).with("c", "1");

    assertThat(many.size()).isEqualTo(70);
    assertThat(many.format()).isEqualTo(members(64));
    assertThat(big.format()).isEqualTo("a=" + "v".repeat(5000));
  }

  @Test
  void withReplacesInPlaceOrAppends() {
    Baggage original = Baggage.parse("a=1,b=2");

    assertThat(original.with("a", "10").format()).isEqualTo("a=10,b=2");
    assertThat(original.with("c", "3", "ttl = 5").format()).isEqualTo("a=1,b=2,c=3;ttl=5");
    assertThat(original.format()).isEqualTo("a=1,b=2");
  }

  @Test
  void withValidatesLoudly() {
    assertThatThrownBy(() -> Baggage.empty().with("bad name", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad name");
    assertThatThrownBy(() -> Baggage.empty().with("", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Baggage.empty().with("k", "v", "p q"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata");
    assertThatThrownBy(() -> Baggage.empty().with("k", "v", ";p"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Baggage.empty().with("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
  }

  @Test
  void withoutRemovesAnEntry() {
    Baggage baggage = Baggage.parse("a=1,b=2,c=3");

    assertThat(baggage.without("b").format()).isEqualTo("a=1,c=3");
    assertThat(baggage.without("absent")).isSameAs(baggage);
    assertThat(Baggage.parse("a=1").without("a")).isSameAs(Baggage.empty());
  }

  @Test
  void viewsAreUnmodifiable() {
    Baggage baggage = Baggage.parse("a=1");

    assertThatThrownBy(() -> baggage.asMap().put("b", "2"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> baggage.names().add("b"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void neverThrowsOnRandomInput() {
    SplittableRandom random = new SplittableRandom(7);
    String alphabet = "ab=,; \t%2C\"\\\u00e9\ud83d";
    for (int round = 0; round < 5_000; round++) {
      StringBuilder header = new StringBuilder();
      int length = random.nextInt(60);
      for (int i = 0; i < length; i++) {
        header.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      Baggage baggage = Baggage.parse(header);
      assertThat(Baggage.parse(baggage.format())).isEqualTo(baggage);
    }
  }

  /** {@code count} members named m0, m1, ... each exactly {@code size} characters long. */
  private static String byteSizedMembers(int count, int size) {
    return IntStream.range(0, count)
        .mapToObj(i -> "m" + i + "=" + "v".repeat(size - 3))
        .collect(Collectors.joining(","));
  }
}
