package io.tributary.api.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

  @Test
  void newTraceIdsAreValidAndDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.newTraceId();
      assertThat(id).hasSize(32).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
      assertThat(Ids.isValidTraceId(id)).isTrue();
      ids.add(id);
    }
    assertThat(ids).hasSize(10_000);
  }

  @Test
  void newSpanIdsAreValidAndDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.newSpanId();
      assertThat(id).matches("[0-9a-f]{16}");
      assertThat(Ids.isValidSpanId(id)).isTrue();
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
      String id = Ids.newTraceId();
      for (int i = 0; i < 32; i++) {
        seen.get(i).add(id.charAt(i));
      }
    }
    assertThat(seen).allSatisfy(digits -> assertThat(digits).hasSize(16));
  }

  @Test
  void validTraceAndSpanIds() {
    assertThat(Ids.isValidTraceId("4bf92f3577b34da6a3ce929d0e0e4736")).isTrue();
    assertThat(Ids.isValidTraceId("00000000000000000000000000000001")).isTrue();
    assertThat(Ids.isValidSpanId("00f067aa0ba902b7")).isTrue();
    assertThat(Ids.isValidSpanId("0000000000000001")).isTrue();
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
    assertThat(Ids.isValidTraceId(id)).isFalse();
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
    assertThat(Ids.isValidSpanId(id)).isFalse();
  }

  @Test
  void normalizeTraceIdLowercasesRepairableIds() {
    assertThat(Ids.normalizeTraceId("4BF92F3577B34DA6A3CE929D0E0E4736"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(Ids.normalizeTraceId("4bF92f3577B34da6a3ce929d0e0e4736"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(Ids.normalizeTraceId("4bf92f3577b34da6a3ce929d0e0e4736"))
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
    assertThat(Ids.normalizeTraceId(id)).isNull();
  }

  @Test
  void requestIdHasTheUuidV7Layout() {
    String id = Ids.newRequestId();
    UUID uuid = UUID.fromString(id);

    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(uuid.toString()).isEqualTo(id);
    assertThat(Ids.isValidUuid(id)).isTrue();
    assertThat(Ids.isUuidV7(id)).isTrue();
  }

  @Test
  void requestIdTimestampIsNow() {
    long before = System.currentTimeMillis();
    String id = Ids.newRequestId();
    long after = System.currentTimeMillis();

    long timestamp = UUID.fromString(id).getMostSignificantBits() >>> 16;
    // The timestamp may run ahead of the clock after a burst of more than 4096 ids a millisecond.
    assertThat(timestamp).isBetween(before, after + 1_000);
  }

  @Test
  void successiveRequestIdsIncreaseStrictly() {
    // 100 000 ids in a tight loop overflow the 4096-per-millisecond counter at least once.
    String previous = Ids.newRequestId();
    for (int i = 0; i < 100_000; i++) {
      String next = Ids.newRequestId();
      assertThat(next).isGreaterThan(previous);
      assertThat(UUID.fromString(next).compareTo(UUID.fromString(previous)))
          .as("as numbers too: both ids start with a 0 bit for the next ten thousand years")
          .isPositive();
      previous = next;
    }
    long timestamp = UUID.fromString(previous).getMostSignificantBits() >>> 16;
    assertThat(timestamp).isLessThan(System.currentTimeMillis() + 1_000);
  }

  @Test
  void requestIdsFromManyThreadsAreDistinctAndOrderedPerThread() throws Exception {
    int threads = 4;
    int perThread = 20_000;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<List<String>>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        tasks.add(
            () -> {
              List<String> ids = new ArrayList<>(perThread);
              for (int i = 0; i < perThread; i++) {
                ids.add(Ids.newRequestId());
              }
              return ids;
            });
      }
      Set<String> all = new HashSet<>();
      for (Future<List<String>> future : executor.invokeAll(tasks)) {
        List<String> ids = future.get();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        all.addAll(ids);
      }
      assertThat(all).hasSize(threads * perThread);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void requestIdRandomPartVaries() {
    Set<String> tails = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      tails.add(Ids.newRequestId().substring(20));
    }
    assertThat(tails).hasSize(1_000);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01890a5d-ac96-774b-bcce-b302099a8057",
        "01890A5D-AC96-774B-BCCE-B302099A8057",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
      })
  void validUuids(String uuid) {
    assertThat(Ids.isValidUuid(uuid)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "01890a5d-ac96-774b-bcce-b302099a805",
        "01890a5d-ac96-774b-bcce-b302099a80577",
        "01890a5dac96-774b-bcce-b302099a80577",
        "01890a5d-ac96-774b-bcceb-302099a8057",
        "01890a5d-ac96-774b-bcce-b302099a805g",
        "{1890a5d-ac96-774b-bcce-b302099a8057",
        "01890a5d_ac96_774b_bcce_b302099a8057",
      })
  void invalidUuids(String uuid) {
    assertThat(Ids.isValidUuid(uuid)).isFalse();
    assertThat(Ids.isUuidV7(uuid)).isFalse();
  }

  @Test
  void uuidV7RequiresVersion7AndVariant10() {
    assertThat(Ids.isUuidV7("01890a5d-ac96-774b-8cce-b302099a8057")).isTrue();
    assertThat(Ids.isUuidV7("01890a5d-ac96-774b-Bcce-b302099a8057")).isTrue();
    assertThat(Ids.isUuidV7("01890a5d-ac96-674b-bcce-b302099a8057")).isFalse();
    assertThat(Ids.isUuidV7("01890a5d-ac96-774b-ccce-b302099a8057")).isFalse();
    assertThat(Ids.isUuidV7("01890a5d-ac96-774b-7cce-b302099a8057")).isFalse();
    assertThat(Ids.isUuidV7(UUID.randomUUID().toString())).isFalse();
    assertThat(Ids.isUuidV7("00000000-0000-0000-0000-000000000000")).isFalse();
  }
}
