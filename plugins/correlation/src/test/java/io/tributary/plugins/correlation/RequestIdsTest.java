package io.tributary.plugins.correlation;

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

class RequestIdsTest {

  @Test
  void requestIdHasTheUuidV7Layout() {
    String id = RequestIds.newRequestId();
    UUID uuid = UUID.fromString(id);

    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(uuid.toString()).isEqualTo(id);
    assertThat(RequestIds.isValidUuid(id)).isTrue();
    assertThat(RequestIds.isUuidV7(id)).isTrue();
  }

  @Test
  void requestIdTimestampIsNow() {
    long before = System.currentTimeMillis();
    String id = RequestIds.newRequestId();
    long after = System.currentTimeMillis();

    long timestamp = UUID.fromString(id).getMostSignificantBits() >>> 16;
    // The timestamp may run ahead of the clock after a burst of more than 4096 ids a millisecond.
    assertThat(timestamp).isBetween(before, after + 1_000);
  }

  @Test
  void successiveRequestIdsIncreaseStrictly() {
    // 100 000 ids in a tight loop overflow the 4096-per-millisecond counter at least once.
    String previous = RequestIds.newRequestId();
    for (int i = 0; i < 100_000; i++) {
      String next = RequestIds.newRequestId();
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
                ids.add(RequestIds.newRequestId());
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
      tails.add(RequestIds.newRequestId().substring(20));
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
    assertThat(RequestIds.isValidUuid(uuid)).isTrue();
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
    assertThat(RequestIds.isValidUuid(uuid)).isFalse();
    assertThat(RequestIds.isUuidV7(uuid)).isFalse();
  }

  @Test
  void uuidV7RequiresVersion7AndVariant10() {
    assertThat(RequestIds.isUuidV7("01890a5d-ac96-774b-8cce-b302099a8057")).isTrue();
    assertThat(RequestIds.isUuidV7("01890a5d-ac96-774b-Bcce-b302099a8057")).isTrue();
    assertThat(RequestIds.isUuidV7("01890a5d-ac96-674b-bcce-b302099a8057")).isFalse();
    assertThat(RequestIds.isUuidV7("01890a5d-ac96-774b-ccce-b302099a8057")).isFalse();
    assertThat(RequestIds.isUuidV7("01890a5d-ac96-774b-7cce-b302099a8057")).isFalse();
    assertThat(RequestIds.isUuidV7(UUID.randomUUID().toString())).isFalse();
    assertThat(RequestIds.isUuidV7("00000000-0000-0000-0000-000000000000")).isFalse();
  }
}
