package io.tributary.api;

import io.tributary.api.host.ChangeTracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChangeTrackerTest {

  private final ChangeTracker tracker = new ChangeTracker();

  // ---------------------------------------------------------------- a batch tracked at once

  @Test
  void in_a_batch_rolling_back_to_a_mark_undoes_one_items_writes_and_keeps_the_others() {
    Item first = ItemTest.fullSpan();
    Item second = ItemTest.fullSpan();
    Item secondBefore = second.copy();
    Item third = Item.log();
    tracker.beginBatch(new Item[] {first, second, third});

    int m1 = tracker.mark();
    first.attributes().put("request.id", "r-1");
    assertThat(tracker.changedSince(m1)).isTrue();
    int m2 = tracker.mark();
    second.attributes().put("request.id", "r-2");
    second.traceId("00000000000000000000000000000001");
    second.resource().remove("service.name");
    tracker.rollbackTo(m2);
    int m3 = tracker.mark();
    assertThat(tracker.changedSince(m3)).isFalse();
    assertThat(m3).isEqualTo(m2);
    third.body("kept");
    tracker.endBatch();

    assertThat(first.attributes().getString("request.id")).isEqualTo("r-1");
    assertRestored(second, secondBefore);
    assertThat(third.body()).isEqualTo("kept");
    // Detached: writes after the batch are not logged, and the items can be tracked again.
    second.attributes().put("late", 1L);
    tracker.begin(second);
    tracker.rollback();
    assertThat(second.attributes().getLong("late", 0)).isEqualTo(1L);
  }

  @Test
  void a_batch_holding_one_item_twice_is_tracked_once_and_forget_keeps_the_writes() {
    Item item = Item.span();
    tracker.beginBatch(new Item[] {item, item});
    item.attributes().put("a", 1L);
    tracker.forget();
    int mark = tracker.mark();
    assertThat(mark).isZero();
    item.attributes().put("b", 2L);
    tracker.rollbackTo(mark);
    tracker.endBatch();
    assertThat(item.attributes().getLong("a", 0)).isEqualTo(1L);
    assertThat(item.attributes().getString("b")).isNull();
  }

  @Test
  void a_batch_with_an_item_tracked_elsewhere_is_refused_and_leaves_nothing_attached() {
    Item free = Item.span();
    Item busy = Item.span();
    ChangeTracker other = new ChangeTracker();
    other.begin(busy);
    assertThatThrownBy(() -> tracker.beginBatch(new Item[] {free, busy}))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already tracked");
    // free was detached again: another tracker can take it, and this one is not busy.
    other.commit();
    tracker.begin(free);
    tracker.commit();
    assertThatThrownBy(() -> tracker.rollbackTo(1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void a_busy_tracker_refuses_a_batch_and_a_batch_refuses_begin() {
    tracker.beginBatch(new Item[] {Item.span()});
    assertThatThrownBy(() -> tracker.begin(Item.log())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tracker.beginBatch(new Item[0])).isInstanceOf(IllegalStateException.class);
    tracker.endBatch();
    tracker.endBatch();
  }

  // ---------------------------------------------------------------- rollback, case by case

  @Test
  void rollback_restores_a_replaced_attribute() {
    Item item = ItemTest.fullSpan();
    Item before = item.copy();

    tracker.begin(item);
    item.attributes().put("http.method", "POST");
    item.attributes().put("http.status_code", "not a number any more");
    tracker.rollback();

    assertRestored(item, before);
    assertThat(item.attributes().getLong("http.status_code", -1)).isEqualTo(200L);
  }

  @Test
  void rollback_restores_removed_attribute_at_its_old_position() {
    Item item = Item.span();
    item.attributes().put("a", "1").put("b", 2L).put("c", true).put("d", 4.0);
    Item before = item.copy();

    tracker.begin(item);
    item.attributes().remove("b");
    item.attributes().removeAt(0);
    tracker.rollback();

    assertRestored(item, before);
    assertThat(item.attributes().toString()).isEqualTo("{a=\"1\", b=2L, c=true, d=4.0d}");
    assertThat(item.attributes().indexOf("b")).isEqualTo(1);
  }

  @Test
  void rollback_removes_added_attributes() {
    Item item = Item.span();
    item.attributes().put("kept", "x");
    Item before = item.copy();

    tracker.begin(item);
    item.attributes().put("new.one", 1L).putBytes("new.two", new byte[] {1});
    tracker.rollback();

    assertRestored(item, before);
    assertThat(item.attributes().contains("new.one")).isFalse();
    assertThat(item.attributes().contains("new.two")).isFalse();
  }

  @Test
  void rollback_restores_a_key_removed_and_added_again() {
    Item item = Item.span();
    item.attributes().put("a", "1").put("b", "2").put("c", "3");
    Item before = item.copy();

    tracker.begin(item);
    item.attributes().remove("a");
    item.attributes().put("a", "other");
    tracker.rollback();

    assertRestored(item, before);
  }

  @Test
  void rollback_restores_a_value_replaced_by_set_string_at() {
    Item item = Item.span();
    item.attributes().put("n", 42L).putArray("l", List.of("x"));
    Item before = item.copy();

    tracker.begin(item);
    item.attributes().setStringAt(0, "forty-two");
    item.attributes().setStringAt(1, "flattened");
    tracker.rollback();

    assertRestored(item, before);
    assertThat(item.attributes().getLong("n", -1)).isEqualTo(42L);
  }

  @Test
  void rollback_restores_resource_and_scope_attributes() {
    Item item = ItemTest.fullSpan();
    Item before = item.copy();

    tracker.begin(item);
    item.resource().put("service.name", "other").remove("host.name");
    item.resource().put("cloud.region", "eu-west-1");
    item.scope().removeAt(0);
    item.scope().put("otel.library.version", "9");
    tracker.rollback();

    assertRestored(item, before);
  }

  @Test
  void rollback_restores_every_field() {
    Item item = ItemTest.fullSpan();
    Item before = item.copy();

    tracker.begin(item);
    item.name("renamed")
        .traceId(null)
        .spanId("1111111111111111")
        .parentSpanId(null)
        .traceFlags(0)
        .traceState("x=y")
        .baggage(null)
        .body("redacted")
        .severityNumber(9)
        .severityText(null)
        .timeUnixNano(1)
        .endTimeUnixNano(0)
        .observedTimeUnixNano(3)
        .schemaUrl(null)
        .scopeName("other")
        .scopeVersion(null);
    tracker.rollback();

    assertRestored(item, before);
  }

  @Test
  void rollback_sets_fields_back_to_null_and_zero_on_an_empty_item() {
    Item item = Item.log();
    Item before = item.copy();

    tracker.begin(item);
    item.name("n").traceId("t").spanId("s").parentSpanId("p").traceFlags(1).traceState("ts")
        .baggage("b").body("body").severityNumber(5).severityText("INFO").timeUnixNano(1)
        .endTimeUnixNano(2).observedTimeUnixNano(3).schemaUrl("u").scopeName("sn")
        .scopeVersion("sv");
    assertThat(tracker.changeCount()).isEqualTo(16);
    tracker.rollback();

    assertRestored(item, before);
    assertThat(item.toString()).isEqualTo("LOG{ attributes={}}");
  }

  @Test
  void rollback_clears_a_dead_letter() {
    Item item = Item.log();

    tracker.begin(item);
    item.deadLetter("policy");
    assertThat(tracker.changedKey(0)).isEqualTo("field:dead_letter");
    tracker.rollback();

    assertThat(item.deadLetterReason()).isNull();
    assertThat(item).isEqualTo(Item.log());
  }

  @Test
  void rollback_keeps_a_dead_letter_that_predates_begin() {
    Item item = Item.log();
    item.deadLetter("earlier");

    tracker.begin(item);
    item.deadLetter("later");
    item.body("x");
    tracker.rollback();

    assertThat(item.deadLetterReason()).isEqualTo("earlier");
    assertThat(item.body()).isNull();
  }

  @Test
  void rollback_undoes_writes_made_through_put_all() {
    Item item = ItemTest.fullSpan();
    Item before = item.copy();
    Attributes extra =
        Attributes.create().put("http.method", "PUT").put("new", 1L).putBytes("raw", new byte[] {9});

    tracker.begin(item);
    item.attributes().putAll(extra);
    assertThat(tracker.changeCount()).isEqualTo(3);
    tracker.rollback();

    assertRestored(item, before);
  }

  @Test
  void rollback_after_more_writes_than_the_log_starts_with() {
    Item item = ItemTest.fullSpan();
    Item before = item.copy();

    tracker.begin(item);
    for (int i = 0; i < 200; i++) {
      item.attributes().put("k" + i, (long) i);
      item.resource().put("service.name", "svc-" + i);
    }
    for (int i = 0; i < 200; i += 3) {
      item.attributes().remove("k" + i);
    }
    item.attributes().removeAt(0);
    assertThat(tracker.changeCount()).isGreaterThan(400);
    tracker.rollback();

    assertRestored(item, before);
  }

  @Test
  void rollback_leaves_an_item_that_keeps_working() {
    Item item = ItemTest.fullSpan();
    Item twin = item.copy();

    tracker.begin(item);
    item.attributes().remove("http.method");
    for (int i = 0; i < 20; i++) {
      item.attributes().put("grow" + i, "x");
    }
    tracker.rollback();
    for (Item i : List.of(item, twin)) {
      i.attributes().put("after", 1L).remove("ratio");
      i.attributes().put("http.method", "HEAD");
      for (int k = 0; k < 10; k++) {
        i.attributes().put("more" + k, k);
      }
    }

    assertRestored(item, twin);
  }

  @Test
  void a_failed_write_records_nothing() {
    Item item = ItemTest.fullSpan();
    Item before = item.copy();
    tracker.begin(item);

    assertThatThrownBy(() -> item.attributes().putArray("tags", Arrays.asList("a", null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> item.attributes().putValue("x", new Object()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> item.attributes().setStringAt(99, "x"))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> item.attributes().removeAt(-1))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> item.deadLetter(null)).isInstanceOf(NullPointerException.class);

    assertThat(tracker.changed()).isFalse();
    tracker.rollback();
    assertRestored(item, before);
  }

  // ---------------------------------------------------------------- commit

  @Test
  void commit_keeps_the_writes() {
    Item item = ItemTest.fullSpan();

    tracker.begin(item);
    item.attributes().put("enriched", "yes").remove("ratio");
    item.resource().put("service.name", "renamed");
    item.name("new name");
    item.deadLetter("policy");
    tracker.commit();

    assertThat(item.attributes().getString("enriched")).isEqualTo("yes");
    assertThat(item.attributes().contains("ratio")).isFalse();
    assertThat(item.resource().getString("service.name")).isEqualTo("renamed");
    assertThat(item.name()).isEqualTo("new name");
    assertThat(item.deadLetterReason()).isEqualTo("policy");
  }

  @Test
  void commit_forgets_the_recorded_writes() {
    Item item = Item.span();

    tracker.begin(item);
    item.attributes().put("a", "1");
    tracker.commit();

    assertThat(tracker.changed()).isFalse();
    assertThat(tracker.changeCount()).isZero();
    assertThatThrownBy(() -> tracker.changedKey(0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void writes_after_commit_are_not_recorded_and_a_later_rollback_does_not_undo_them() {
    Item item = Item.span();
    tracker.begin(item);
    item.attributes().put("during", "1");
    tracker.commit();

    item.attributes().put("after", "2");
    item.name("after");
    assertThat(tracker.changeCount()).isZero();

    tracker.begin(item);
    tracker.rollback();
    assertThat(item.attributes().toString()).isEqualTo("{during=\"1\", after=\"2\"}");
    assertThat(item.name()).isEqualTo("after");
  }

  @Test
  void writes_after_rollback_are_not_recorded() {
    Item item = Item.span();
    tracker.begin(item);
    item.attributes().put("during", "1");
    tracker.rollback();

    item.attributes().put("after", "2");
    item.resource().put("r", "x");
    item.body("after");

    assertThat(tracker.changed()).isFalse();
    tracker.begin(item);
    tracker.rollback();
    assertThat(item.attributes().toString()).isEqualTo("{after=\"2\"}");
    assertThat(item.resource().getString("r")).isEqualTo("x");
    assertThat(item.body()).isEqualTo("after");
  }

  // ---------------------------------------------------------------- changed keys

  @Test
  void nothing_written_means_no_change() {
    Item item = ItemTest.fullSpan();

    tracker.begin(item);
    item.attributes().getString("http.method");
    item.attributes().asMap();

    assertThat(tracker.changed()).isFalse();
    assertThat(tracker.changeCount()).isZero();
  }

  @Test
  void changed_key_uses_the_descriptor_notation() {
    Item item = ItemTest.fullSpan();

    tracker.begin(item);
    item.attributes().put("http.route", "/x");
    item.resource().put("service.name", "svc");
    item.scope().put("otel.library", "other");
    item.traceId("0af7651916cd43dd8448eb211c80319c");
    item.severityNumber(1);
    item.observedTimeUnixNano(7);

    assertThat(tracker.changed()).isTrue();
    assertThat(changedKeys())
        .containsExactly(
            "http.route",
            "resource:service.name",
            "scope:otel.library",
            "field:trace_id",
            "field:severity_number",
            "field:observed_time");
  }

  @Test
  void every_field_write_is_named_by_its_descriptor_field_name() {
    Item item = Item.span();

    tracker.begin(item);
    item.name("n").traceId("t").spanId("s").parentSpanId("p").traceFlags(1).traceState("ts")
        .baggage("b").body("body").severityNumber(5).severityText("INFO").timeUnixNano(1)
        .endTimeUnixNano(2).observedTimeUnixNano(3).schemaUrl("u").scopeName("sn")
        .scopeVersion("sv");
    item.deadLetter("x");

    assertThat(changedKeys())
        .containsExactly(
            "field:name", "field:trace_id", "field:span_id", "field:parent_span_id",
            "field:trace_flags", "field:trace_state", "field:baggage", "field:body",
            "field:severity_number", "field:severity_text", "field:time", "field:end_time",
            "field:observed_time", "field:schema_url", "field:scope_name", "field:scope_version",
            "field:dead_letter");
    tracker.commit();
  }

  @Test
  void removals_and_in_place_writes_are_changes_too() {
    Item item = ItemTest.fullSpan();

    tracker.begin(item);
    item.attributes().remove("ratio");
    item.attributes().setStringAt(0, "PATCH");
    item.resource().removeAt(1);
    item.scope().put("otel.library", (String) null);

    assertThat(changedKeys())
        .containsExactly("ratio", "http.method", "resource:host.name", "scope:otel.library");
  }

  @Test
  void a_key_written_twice_is_listed_twice() {
    Item item = Item.span();

    tracker.begin(item);
    item.attributes().put("k", "1");
    item.attributes().put("k", "2");

    assertThat(tracker.changeCount()).isEqualTo(2);
    assertThat(changedKeys()).containsExactly("k", "k");
  }

  @Test
  void writing_the_value_already_there_is_not_a_change() {
    Item item = ItemTest.fullSpan();
    item.attributes().put("nan", Double.NaN);

    tracker.begin(item);
    item.attributes()
        .put("http.method", "GET")
        .put("http.status_code", 200L)
        .put("ratio", 0.5)
        .put("error", false)
        .put("nan", Double.NaN)
        .putBytes("raw", new byte[] {1, 2})
        .putArray("tags", List.of("a", "b"))
        .putValue("http.status_code", 200)
        .put("absent", (String) null);
    item.attributes().setStringAt(0, "GET");
    item.attributes().remove("absent");
    item.attributes().putAll(item.copy().attributes());
    item.resource().put("service.name", "checkout");
    item.scope().put("otel.library", "okhttp");
    item.name("GET /users/{id}").traceFlags(1).timeUnixNano(1_700_000_000_000_000_000L);
    item.severityNumber(17).scopeVersion("1.2.3").baggage("userId=alice");

    assertThat(changedKeys()).isEmpty();
  }

  @Test
  void writing_the_same_number_as_another_type_is_a_change() {
    Item item = Item.span();
    item.attributes().put("n", 1L).put("zero", 0.0);

    tracker.begin(item);
    item.attributes().put("n", 1.0);
    item.attributes().put("zero", -0.0);

    assertThat(changedKeys()).containsExactly("n", "zero");
  }

  @Test
  void changed_key_out_of_range_throws() {
    tracker.begin(Item.span());

    assertThatThrownBy(() -> tracker.changedKey(0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> tracker.changedKey(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void begin_twice_throws() {
    Item item = Item.span();
    tracker.begin(item);

    assertThatThrownBy(() -> tracker.begin(item))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already tracking");
    assertThatThrownBy(() -> tracker.begin(Item.log()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void a_failed_second_begin_keeps_tracking_the_first_item() {
    Item first = Item.span();
    Item second = Item.log();
    tracker.begin(first);
    assertThatThrownBy(() -> tracker.begin(second)).isInstanceOf(IllegalStateException.class);

    first.name("tracked");
    second.name("not tracked");
    tracker.rollback();

    assertThat(first.name()).isNull();
    assertThat(second.name()).isEqualTo("not tracked");
  }

  @Test
  void an_item_cannot_be_tracked_by_two_trackers() {
    Item item = Item.span();
    ChangeTracker other = new ChangeTracker();
    tracker.begin(item);

    assertThatThrownBy(() -> other.begin(item))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already tracked");

    item.name("x");
    assertThat(tracker.changeCount()).isEqualTo(1);
    assertThat(other.changed()).isFalse();
    assertThatThrownBy(other::rollback).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void begin_needs_an_item() {
    assertThatThrownBy(() -> tracker.begin(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("item");
  }

  @Test
  void commit_or_rollback_without_begin_throws() {
    assertThatThrownBy(tracker::commit)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not tracking");
    assertThatThrownBy(tracker::rollback).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void commit_or_rollback_twice_throws() {
    tracker.begin(Item.span());
    tracker.commit();
    assertThatThrownBy(tracker::commit).isInstanceOf(IllegalStateException.class);

    tracker.begin(Item.span());
    tracker.rollback();
    assertThatThrownBy(tracker::rollback).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void an_item_can_move_to_another_tracker_after_commit() {
    Item item = Item.span();
    tracker.begin(item);
    item.name("first");
    tracker.commit();

    ChangeTracker other = new ChangeTracker();
    other.begin(item);
    item.name("second");
    other.rollback();

    assertThat(item.name()).isEqualTo("first");
  }

  @Test
  void one_tracker_serves_many_items_in_turn() {
    Random random = new Random(7);
    for (int n = 0; n < 1_000; n++) {
      Item item = randomItem(random);
      Item before = item.copy();
      boolean keep = random.nextBoolean();

      tracker.begin(item);
      List<String> expected = new ArrayList<>();
      int writes = random.nextInt(12);
      for (int w = 0; w < writes; w++) {
        expected.addAll(randomWrite(random, item));
      }
      assertThat(changedKeys()).isEqualTo(expected);
      Item after = item.copy();
      if (keep) {
        tracker.commit();
        assertRestored(item, after);
      } else {
        tracker.rollback();
        assertRestored(item, before);
      }
      assertThat(tracker.changed()).isFalse();
    }
  }

  // ---------------------------------------------------------------- randomized safety net

  /**
   * Failure isolation rests on this: whatever mix of writes a stage makes before it throws,
   * rollback restores the item exactly, order included, and leaves it fully usable.
   */
  @Test
  void rollback_restores_the_item_exactly_after_random_writes() {
    for (long seed = 0; seed < 2_000; seed++) {
      Random random = new Random(seed);
      Item item = randomItem(random);
      if (random.nextBoolean()) {
        item = item.copy(); // a copy's arrays are sized exactly: exercise growth from there
      }
      Item before = item.copy();
      String rendered = item.toString();

      tracker.begin(item);
      List<String> expected = new ArrayList<>();
      int writes = random.nextInt(80);
      for (int w = 0; w < writes; w++) {
        expected.addAll(randomWrite(random, item));
        assertThat(tracker.changeCount()).as("seed %d, write %d", seed, w).isEqualTo(expected.size());
      }
      assertThat(changedKeys()).as("seed %d", seed).isEqualTo(expected);
      tracker.rollback();

      assertThat(item).as("seed %d", seed).isEqualTo(before);
      assertThat(item.toString()).as("seed %d", seed).isEqualTo(rendered);
      assertConsistent(item);

      // The restored item must behave exactly like one that was never touched.
      long next = random.nextLong();
      Random r1 = new Random(next);
      Random r2 = new Random(next);
      for (int w = 0; w < 30; w++) {
        randomWrite(r1, item);
        randomWrite(r2, before);
      }
      assertThat(item.toString()).as("seed %d, after rollback", seed).isEqualTo(before.toString());
      assertConsistent(item);
    }
  }

  @Test
  void commit_keeps_exactly_the_random_writes() {
    for (long seed = 0; seed < 500; seed++) {
      Random random = new Random(seed);
      Item item = randomItem(random);
      Item untracked = item.copy();
      long writesSeed = random.nextLong();
      int writes = random.nextInt(60);

      tracker.begin(item);
      Random r1 = new Random(writesSeed);
      Random r2 = new Random(writesSeed);
      for (int w = 0; w < writes; w++) {
        randomWrite(r1, item);
        randomWrite(r2, untracked);
      }
      tracker.commit();

      assertThat(item).as("seed %d", seed).isEqualTo(untracked);
      assertThat(item.toString()).as("seed %d", seed).isEqualTo(untracked.toString());
    }
  }

  // ---------------------------------------------------------------- helpers

  private List<String> changedKeys() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < tracker.changeCount(); i++) {
      keys.add(tracker.changedKey(i));
    }
    return keys;
  }

  private static void assertRestored(Item actual, Item expected) {
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
    assertThat(actual.toString()).isEqualTo(expected.toString());
    assertConsistent(actual);
  }

  /** Every key must be found where it sits: catches a stale internal hash after an undo. */
  private static void assertConsistent(Item item) {
    for (Attributes a : List.of(item.attributes(), item.resource(), item.scope())) {
      for (int i = 0; i < a.size(); i++) {
        String key = a.keyAt(i);
        assertThat(a.indexOf(key)).as("index of %s in %s", key, a).isEqualTo(i);
        assertThat(Objects.deepEquals(a.get(key), a.valueAt(i))).isTrue();
      }
    }
  }

  private static final String[] KEYS = {
    "http.method", "http.route", "user.id", "user.email", "k1", "k2", "k3", "k4", "k5", "k6",
    "k7", "k8", "k9", "k10", "k11", "k12", "Aa", "BB" // "Aa" and "BB" share a hash code
  };
  private static final String[] STRINGS = {"", "a", "b", "GET", "1", "ünïcødé"};
  private static final long[] LONGS = {0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE};
  private static final double[] DOUBLES = {0.0, -0.0, 1.0, 0.5, Double.NaN, 1e300};
  private static final byte[][] BYTES = {{}, {1}, {1, 2}, {-128, 127}};
  private static final List<List<?>> ARRAYS =
      List.of(List.of(), List.of("a"), List.of(1L), List.of("1"), List.of(1.0, true));

  private static Item randomItem(Random r) {
    Item item = new Item(Item.Kind.values()[r.nextInt(Item.Kind.values().length)]);
    for (int f = 0; f < 16; f++) {
      if (r.nextBoolean()) {
        writeField(item, f, r);
      }
    }
    for (Attributes a : List.of(item.attributes(), item.resource(), item.scope())) {
      int n = r.nextInt(4) == 0 ? r.nextInt(KEYS.length + 1) : r.nextInt(5);
      for (int i = 0; i < n; i++) {
        a.putValue(KEYS[r.nextInt(KEYS.length)], randomValue(r));
      }
    }
    if (r.nextInt(5) == 0) {
      item.deadLetter("earlier");
    }
    return item;
  }

  private static Object randomValue(Random r) {
    switch (r.nextInt(6)) {
      case 0: return STRINGS[r.nextInt(STRINGS.length)];
      case 1: return LONGS[r.nextInt(LONGS.length)];
      case 2: return DOUBLES[r.nextInt(DOUBLES.length)];
      case 3: return r.nextBoolean();
      case 4: return BYTES[r.nextInt(BYTES.length)].clone();
      default: return ARRAYS.get(r.nextInt(ARRAYS.size()));
    }
  }

  /**
   * Makes one random write to {@code item} and returns the keys the tracker should record for it,
   * in order: none when the write leaves the value as it was.
   */
  private static List<String> randomWrite(Random r, Item item) {
    int part = r.nextInt(3);
    Attributes a = part == 0 ? item.attributes() : part == 1 ? item.resource() : item.scope();
    String prefix = part == 0 ? "" : part == 1 ? "resource:" : "scope:";
    String key = KEYS[r.nextInt(KEYS.length)];
    Object before = a.get(key);
    switch (r.nextInt(14)) {
      case 0: {
        String v = STRINGS[r.nextInt(STRINGS.length)];
        a.put(key, v);
        return writeOf(prefix + key, before, v);
      }
      case 1: {
        long v = LONGS[r.nextInt(LONGS.length)];
        a.put(key, v);
        return writeOf(prefix + key, before, v);
      }
      case 2: {
        double v = DOUBLES[r.nextInt(DOUBLES.length)];
        a.put(key, v);
        return writeOf(prefix + key, before, v);
      }
      case 3: {
        boolean v = r.nextBoolean();
        a.put(key, v);
        return writeOf(prefix + key, before, v);
      }
      case 4: {
        byte[] v = BYTES[r.nextInt(BYTES.length)];
        a.putBytes(key, v.clone());
        return writeOf(prefix + key, before, v);
      }
      case 5: {
        List<?> v = ARRAYS.get(r.nextInt(ARRAYS.size()));
        a.putArray(key, v);
        return writeOf(prefix + key, before, v);
      }
      case 6: {
        Object v = r.nextInt(4) == 0 ? null : randomValue(r);
        a.putValue(key, v);
        return writeOf(prefix + key, before, v);
      }
      case 7: {
        a.remove(key);
        return writeOf(prefix + key, before, null);
      }
      case 8: {
        if (a.isEmpty()) {
          return List.of();
        }
        int i = r.nextInt(a.size());
        String removed = a.keyAt(i);
        a.removeAt(i);
        return List.of(prefix + removed);
      }
      case 9: {
        if (a.isEmpty()) {
          return List.of();
        }
        int i = r.nextInt(a.size());
        String target = a.keyAt(i);
        Object old = a.valueAt(i);
        String v = STRINGS[r.nextInt(STRINGS.length)];
        a.setStringAt(i, v);
        return writeOf(prefix + target, old, v);
      }
      case 10: {
        Attributes source = Attributes.create();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          source.putValue(KEYS[r.nextInt(KEYS.length)], randomValue(r));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
          expected.addAll(writeOf(prefix + source.keyAt(i), a.get(source.keyAt(i)), source.valueAt(i)));
        }
        a.putAll(source);
        return expected;
      }
      case 11: {
        int f = r.nextInt(16);
        Object old = fieldValue(item, f);
        Object v = writeField(item, f, r);
        return Objects.equals(old, v) ? List.of() : List.of("field:" + Item.FIELD_NAMES[f]);
      }
      case 12: {
        boolean first = item.deadLetterReason() == null;
        item.deadLetter("reason " + r.nextInt(3));
        return first ? List.of("field:dead_letter") : List.of();
      }
      default: {
        // A write that fails must leave no trace.
        try {
          a.putArray(key, Arrays.asList("ok", null));
        } catch (IllegalArgumentException expected) {
          // the point of this case
        }
        return List.of();
      }
    }
  }

  private static List<String> writeOf(String key, Object before, Object after) {
    return Objects.deepEquals(before, boxed(after)) ? List.of() : List.of(key);
  }

  private static Object boxed(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    if (value instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object o : (List<?>) value) {
        out.add(boxed(o));
      }
      return out;
    }
    return value;
  }

  private static Object writeField(Item item, int field, Random r) {
    String s = r.nextInt(4) == 0 ? null : STRINGS[r.nextInt(STRINGS.length)];
    int i = r.nextInt(3);
    long l = LONGS[r.nextInt(LONGS.length)];
    switch (field) {
      case Item.F_NAME: item.name(s); return s;
      case Item.F_TRACE_ID: item.traceId(s); return s;
      case Item.F_SPAN_ID: item.spanId(s); return s;
      case Item.F_PARENT_SPAN_ID: item.parentSpanId(s); return s;
      case Item.F_TRACE_FLAGS: item.traceFlags(i); return i;
      case Item.F_TRACE_STATE: item.traceState(s); return s;
      case Item.F_BAGGAGE: item.baggage(s); return s;
      case Item.F_BODY: item.body(s); return s;
      case Item.F_SEVERITY_NUMBER: item.severityNumber(i); return i;
      case Item.F_SEVERITY_TEXT: item.severityText(s); return s;
      case Item.F_TIME: item.timeUnixNano(l); return l;
      case Item.F_END_TIME: item.endTimeUnixNano(l); return l;
      case Item.F_OBSERVED_TIME: item.observedTimeUnixNano(l); return l;
      case Item.F_SCHEMA_URL: item.schemaUrl(s); return s;
      case Item.F_SCOPE_NAME: item.scopeName(s); return s;
      case Item.F_SCOPE_VERSION: item.scopeVersion(s); return s;
      default: throw new AssertionError(field);
    }
  }

  private static Object fieldValue(Item item, int field) {
    switch (field) {
      case Item.F_NAME: return item.name();
      case Item.F_TRACE_ID: return item.traceId();
      case Item.F_SPAN_ID: return item.spanId();
      case Item.F_PARENT_SPAN_ID: return item.parentSpanId();
      case Item.F_TRACE_FLAGS: return item.traceFlags();
      case Item.F_TRACE_STATE: return item.traceState();
      case Item.F_BAGGAGE: return item.baggage();
      case Item.F_BODY: return item.body();
      case Item.F_SEVERITY_NUMBER: return item.severityNumber();
      case Item.F_SEVERITY_TEXT: return item.severityText();
      case Item.F_TIME: return item.timeUnixNano();
      case Item.F_END_TIME: return item.endTimeUnixNano();
      case Item.F_OBSERVED_TIME: return item.observedTimeUnixNano();
      case Item.F_SCHEMA_URL: return item.schemaUrl();
      case Item.F_SCOPE_NAME: return item.scopeName();
      case Item.F_SCOPE_VERSION: return item.scopeVersion();
      default: throw new AssertionError(field);
    }
  }
}
