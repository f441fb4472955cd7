package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.GuardedFactory;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.StageSpec;
import io.tributary.runtime.plugins.ProcessorEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * (a) the plugin pipeline, (b) the hand-written method and (c) the Kafka Connect chain of {@link
 * EnrichmentBenchmark} turn every item of the ring into the same item, so that comparing their
 * speed compares the same work.
 *
 * <p>Documented differences, where the contenders cannot do the same thing; the workload is chosen
 * so that on its items the outputs still match:
 *
 * <ul>
 *   <li><b>Request id.</b> Connect has no transform that copies one value field to another: (c)
 *       copies {@code x-request-id} to a {@code request.id} <em>header</em>, compared here as an
 *       attribute. Nor can it generate an id when there is none, or keep a {@code request.id} the
 *       record already has: every item carries {@code x-request-id} and none {@code request.id}.
 *   <li><b>Trace context.</b> (a) and (b) check trace and span ids against the W3C rules and
 *       would repair or generate them; (c) cannot: every item has valid ids.
 *   <li><b>Environment.</b> (a) and (b) fill gaps only; {@code InsertField} always overwrites:
 *       no item carries the stamped keys. Resource attributes travel in (c) as {@code
 *       resource.}-prefixed value fields.
 *   <li><b>PII.</b> (a) and (b) scan every string value for eight kinds of PII and secrets and by
 *       key name; {@code MaskField} replaces the value of one named field, whatever it holds: the
 *       PII sits whole in {@code user.email}, and nothing else in the items looks like PII (if it
 *       did, (a) would mask it and this test would fail). For a record without {@code user.email},
 *       {@code MaskField} adds the key with a null value; items have no null values, so null-valued
 *       keys are left out when comparing. pii-redaction's {@code pii.redacted.*} counters, on by
 *       default, are configured off ({@code countAttributes: false}): Connect cannot count. The
 *       chain with {@link RegexRedactTransform} (no stock transform: one a Connect user would have
 *       to write) scans every value with the same rules in {@code java.util.regex}, like (a).
 *   <li><b>Lineage and timings.</b> Only (a) records which stage did what to each item, and
 *       per-stage timings and counters; checked here for (a) alone.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnrichmentEquivalenceTest {

  /** A release version in lineage. */
  private static final String VERSION = "[0-9]+\\.[0-9]+\\.[0-9]+";

  private final List<EnrichmentBenchmark> states = new ArrayList<>();

  @BeforeAll
  void setUp() {
    for (int attributes : new int[] {10, 30}) {
      EnrichmentBenchmark s = new EnrichmentBenchmark();
      s.attributes = attributes;
      s.setUp();
      states.add(s);
    }
  }

  @AfterAll
  void tearDown() {
    states.forEach(EnrichmentBenchmark::tearDown);
  }

  private EnrichmentBenchmark state(int attributes) {
    return states.stream().filter(s -> s.attributes == attributes).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 30})
  void pipeline_handwritten_and_kafka_connect_produce_the_same_items(int attributes) {
    EnrichmentBenchmark s = state(attributes);
    Batch a = runPipeline(s.pipeline, s.ring);
    Item[] b = copies(s.ring);
    for (Item item : b) {
      s.byHand.enrich(item);
    }
    Item[] c = new Item[s.ring.length];
    Item[] cRegex = new Item[s.ring.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = KafkaConnectChain.toItem(s.connect.apply(s.records[i]));
      cRegex[i] = KafkaConnectChain.toItem(s.connectRegex.apply(s.records[i]));
    }

    int masked = 0;
    for (int i = 0; i < s.ring.length; i++) {
      Item byPipeline = a.item(i);
      assertThat(b[i]).as("item %d by hand", i).isEqualTo(byPipeline);
      assertThat(c[i]).as("item %d by Kafka Connect", i).isEqualTo(byPipeline);
      assertThat(cRegex[i]).as("item %d by Kafka Connect with a regex transform", i).isEqualTo(byPipeline);
      assertThat(byPipeline).as("item %d changed", i).isNotEqualTo(s.ring[i]);
      assertThat(byPipeline.attributes().getString(EnrichmentWorkload.REQUEST_ID))
          .isEqualTo(s.ring[i].attributes().getString(EnrichmentWorkload.REQUEST_ID_SOURCE));
      assertThat(byPipeline.resource().getString("deployment.environment.name")).isEqualTo("prod");
      assertThat(byPipeline.attributes().contains(EnrichmentWorkload.OLD_METHOD)).isFalse();
      assertThat(byPipeline.attributes().contains(EnrichmentWorkload.DEBUG)).isFalse();
      if (s.ring[i].attributes().contains(EnrichmentWorkload.EMAIL)) {
        assertThat(byPipeline.attributes().getString(EnrichmentWorkload.EMAIL))
            .isEqualTo(EnrichmentWorkload.EMAIL_MASK);
        masked++;
      }
      assertThat(byPipeline.attributes().size()).as("item %d attributes", i).isEqualTo(attributes
          + 1 - (s.ring[i].attributes().contains(EnrichmentWorkload.DEBUG) ? 1 : 0));
      // The bundled plugins' own versions, whatever they are (they move with the plugins).
      assertThat(a.lineage(i)).matches("bench#1 correlation@" + VERSION + "=modified environment@" + VERSION
          + "=modified attributes@" + VERSION + "=modified pii-redaction@" + VERSION + "=(modified|unchanged)");
    }
    assertThat(masked).as("items with PII").isBetween(s.ring.length * 8 / 100, s.ring.length * 12 / 100);
  }

  /** The pair that leaves out PII: the email stays as it came in both. */
  @ParameterizedTest
  @ValueSource(ints = {10, 30})
  void without_the_pii_step_pipeline_and_kafka_connect_still_agree(int attributes) {
    EnrichmentBenchmark s = state(attributes);
    Batch a = runPipeline(s.pipelineWithoutPii, s.ring);
    for (int i = 0; i < s.ring.length; i++) {
      Item byConnect = KafkaConnectChain.toItem(s.connectWithoutMask.apply(s.records[i]));
      assertThat(byConnect).as("item %d by Kafka Connect", i).isEqualTo(a.item(i));
      assertThat(a.item(i).attributes().getString(EnrichmentWorkload.EMAIL))
          .isEqualTo(s.ring[i].attributes().getString(EnrichmentWorkload.EMAIL));
    }
  }

  @Test
  void the_pipeline_runs_the_processors_of_the_plugin_jars() {
    EnrichmentBenchmark s = state(10);
    for (String id : List.of("correlation", "environment", "attributes", "pii-redaction")) {
      List<ProcessorEntry> entries = s.plugins.entries(id);
      assertThat(entries).as(id).hasSize(1);
      assertThat(entries.get(0).source()).as(id).isEqualTo(ProcessorEntry.Source.PLUGIN);
      // A plugin's factory is handed out behind the guard that times its calls.
      assertThat(entries.get(0).factory()).as(id).isInstanceOf(GuardedFactory.class);
      assertThat(((GuardedFactory) entries.get(0).factory()).delegate().getClass().getClassLoader())
          .as(id + " is loaded by its plugin's class loader")
          .isNotSameAs(EnrichmentEquivalenceTest.class.getClassLoader());
    }
    assertThat(s.pipeline.stages()).hasSize(4);
    assertThat(s.noops.stages()).hasSize(s.pipeline.stages().size());
    assertThat(s.connect.length()).isEqualTo(8);
    assertThat(s.connectRegex.length()).isEqualTo(8);
    assertThat(s.pipelineWithoutPii.stages()).hasSize(3);
    assertThat(s.connectWithoutMask.length()).isEqualTo(7);
  }

  @Test
  void kafka_connect_transforms_leave_their_input_records_alone() {
    EnrichmentBenchmark s = state(10);
    for (int i = 0; i < s.records.length; i++) {
      s.connect.apply(s.records[i]);
      SinkRecord fresh = KafkaConnectChain.toRecord(s.ring[i], i);
      assertThat(s.records[i].value()).isEqualTo(fresh.value());
      assertThat(s.records[i].headers()).isEmpty();
    }
  }

  /** The comparison above can fail: a pipeline configured differently no longer matches. */
  @Test
  void a_changed_processor_config_breaks_the_equivalence() {
    EnrichmentBenchmark s = state(10);
    List<StageSpec> stages = new ArrayList<>(EnrichmentWorkload.spec().stages());
    stages.set(1, stages.get(1).withConfig(Map.of("environment", "staging")));
    CompiledPipeline changed = EnrichmentBenchmark.compile(s.plugins, true, new PipelineSpec(stages));
    try {
      Batch a = runPipeline(changed, s.ring);
      int differ = 0;
      for (int i = 0; i < s.ring.length; i++) {
        Item byConnect = KafkaConnectChain.toItem(s.connect.apply(s.records[i]));
        differ += byConnect.equals(a.item(i)) ? 0 : 1;
      }
      assertThat(differ).isEqualTo(s.ring.length);
    } finally {
      changed.close();
    }
  }

  private static Batch runPipeline(CompiledPipeline pipeline, Item[] ring) {
    Batch batch = Batch.of(copies(ring));
    pipeline.run(batch);
    assertThat(batch.deadLettered()).isEmpty();
    return batch;
  }

  private static Item[] copies(Item[] ring) {
    Item[] out = new Item[ring.length];
    for (int i = 0; i < ring.length; i++) {
      out[i] = ring[i].copy();
    }
    return out;
  }
}
