package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast path ({@link WireDecoder}, {@link WireWriter}) held against the reference (protobuf-java and {@link
 * OtlpItems}) on seeded random requests: every AnyValue type, nested arrays and maps, duplicate
 * keys, events, links, dropped counts, unknown fields at every level, empty, huge and non-ASCII
 * values, ids a span is rejected for, and a random enrichment of each item. Whatever the fast path
 * decodes must decode to the same items and encode to the same request, lines and dead letters;
 * whatever it leaves alone (malformed or unusual bytes) goes to protobuf-java, which then answers
 * — so a malformed request gets the reference's 400.
 */
class WireEquivalenceTest {

  private static final String[] KEYS = {"http.route", "user.email", "k", "", "ключ", "payload", "tags", "n",
      OtlpItems.LINEAGE_ATTRIBUTE, "service.name", "raw"};

  private static final CompiledPipeline EMPTY = PipelineCompiler.builder(ProcessorRegistry.of(List.of())).build()
      .compile("dev", 7, PipelineSpec.empty());

  @Test
  void ten_thousand_seeded_requests_of_all_three_signals_decode_and_encode_as_protobuf_java_does() throws Exception {
    int fast = 0;
    int[] fastBySignal = new int[3];
    int fastItems = 0;
    int malformed = 0;
    for (int seed = 0; seed < 10_000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      Signal signal = Signal.values()[seed % 3];
      Message request = request(signal, random);
      byte[] wire = request.toByteArray();
      boolean mutated = random.nextInt(5) == 0;
      if (mutated) {
        wire = mutate(wire, random);
      }
      Message reference;
      try {
        reference = signal.parseRequest(wire);
      } catch (InvalidProtocolBufferException e) {
        reference = null;
      }
      Envelope byWire = WireDecoder.decode(signal, wire);
      if (reference == null) {
        malformed++;
        assertThat(byWire).as("seed %d: bytes protobuf-java refuses are left to it", seed).isNull();
        continue;
      }
      if (byWire == null) {
        assertThat(mutated).as("seed %d: a request protobuf-java wrote is for the fast path", seed).isTrue();
        continue;
      }
      fast++;
      fastBySignal[signal.ordinal()]++;
      Envelope byReference = OtlpItems.toItems(signal, reference);
      assertThat(byWire.rejected).as("seed %d", seed).isEqualTo(byReference.rejected);
      assertThat(byWire.rejectionMessage).isEqualTo(byReference.rejectionMessage);
      assertThat(byWire.items).as("seed %d", seed).hasSameSizeAs(byReference.items);
      for (int i = 0; i < byWire.items.size(); i++) {
        assertThat(byWire.items.get(i).toString()).as("seed %d item %d", seed, i)
            .isEqualTo(byReference.items.get(i).toString());
        assertThat(byWire.items.get(i)).isEqualTo(byReference.items.get(i));
      }
      fastItems += byWire.items.size();
      boolean lineage = random.nextBoolean();
      int enrichSeed = random.nextInt();
      rebuild(byWire, enrichSeed, lineage);
      rebuild(byReference, enrichSeed, lineage);
      assertThat(byWire.delivered).as("seed %d", seed).isEqualTo(byReference.delivered);
      assertThat(byWire.request()).as("seed %d", seed).isEqualTo(byReference.request());
      assertThat(byWire.lines).hasSameSizeAs(byReference.lines);
      for (int i = 0; i < byWire.lines.size(); i++) {
        assertThat(byWire.lines.get(i).lineage()).isEqualTo(byReference.lines.get(i).lineage());
        assertThat(byWire.lines.get(i).json()).as("seed %d line %d", seed, i)
            .isEqualTo(byReference.lines.get(i).json());
      }
      assertThat(byWire.deadLetters).as("seed %d", seed).isEqualTo(byReference.deadLetters);
    }
    // The test is about the fast path: most requests took it, with many items, and the
    // mutations produced enough malformed requests to matter.
    assertThat(fast).isGreaterThan(5_000);
    for (Signal signal : Signal.values()) {
      assertThat(fastBySignal[signal.ordinal()]).as("%s requests on the fast path", signal).isGreaterThan(2_000);
    }
    assertThat(fastItems).isGreaterThan(50_000);
    assertThat(malformed).isGreaterThan(300);
  }

  @Test
  void an_untouched_request_comes_out_byte_for_byte_and_odd_but_valid_shapes_go_to_protobuf() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    // Every kind of value once per list (duplicate keys collapse into one attribute).
    List<KeyValue> each = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      each.add(KeyValue.newBuilder().setKey("k" + i).setValue(value(random, 0)).build());
    }
    LogRecord.Builder record = log(random).toBuilder().clearAttributes().addAllAttributes(each)
        .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addAllValues(each.subList(0, 9))))
        .setFlags(0x301).setSeverityNumberValue(-3).setUnknownFields(unknown(random));
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(resource(random).toBuilder().clearAttributes().addAllAttributes(each.subList(10, 20))
            .setUnknownFields(unknown(random)))
        .addScopeLogs(ScopeLogs.newBuilder().setScope(scope(random).toBuilder().clearAttributes()
            .addAllAttributes(each.subList(20, 25))).addLogRecords(record).addLogRecords(log(random).toBuilder()
                .clearAttributes().addAllAttributes(each.subList(25, 60)))
            .setSchemaUrl("https://example.com/s"))).build();
    Envelope e = WireDecoder.decode(Signal.LOGS, logs.toByteArray());
    assertThat(e).isNotNull();
    Batch batch = Batch.of(e.items);
    OtlpItems.rebuild(e, batch, false);
    assertThat(e.items).hasSize(2);
    assertThat(e.encoded).isEqualTo(logs.toByteArray());

    // A span's name sent as a varint is legal protobuf (an unknown field to protobuf-java):
    // the fast path does not guess, it leaves the request to protobuf-java.
    byte[] span = Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])).build().toByteArray();
    byte[] odd = Arrays.copyOf(span, span.length + 2);
    odd[span.length] = 5 << 3; // field 5, wire type 0
    odd[span.length + 1] = 1;
    byte[] request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.parseFrom(odd)))).build().toByteArray();
    assertThat(ExportTraceServiceRequest.parseFrom(request)).isNotNull();
    assertThat(WireDecoder.decode(Signal.TRACES, request)).isNull();
  }

  @Test
  void a_remembered_line_of_a_big_request_keeps_its_own_bytes_not_the_whole_request() throws Exception {
    for (int size : new int[] {100, 1 << 20}) {
      Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
              13, 14, 15, 16})).setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})).setName("s")
          .addAttributes(KeyValue.newBuilder().setKey("big").setValue(AnyValue.newBuilder().setStringValue("x".repeat(size))))
          .build();
      byte[] wire = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
          .addScopeSpans(ScopeSpans.newBuilder().addSpans(span).addSpans(span.toBuilder().setName("t")))).build()
          .toByteArray();
      Envelope e = WireDecoder.decode(Signal.TRACES, wire);
      OtlpItems.rebuild(e, Batch.of(e.items), false);
      Envelope.Line line = e.lines.get(1);
      line.detach();
      // A small request's buffer may stay shared (at most 100 lines are remembered); a big one's not.
      assertThat(line.holdsRequestBuffer()).as("%d-byte attribute", size).isEqualTo(size < WireLine.MAX_SHARED_BUFFER);
      assertThat(line.json().path("span").path("name").asText()).isEqualTo("t");
      assertThat(line.json().path("span").path("attributes").get(0).path("value").path("stringValue").asText())
          .hasSize(size);
    }
  }

  // ------------------------------------------------------------ enrichment

  private static void rebuild(Envelope e, int seed, boolean lineage) {
    for (int i = 0; i < e.items.size(); i++) {
      enrich(e.items.get(i), new SplittableRandom(seed + 31L * i));
    }
    Batch batch = Batch.of(e.items);
    EMPTY.run(batch);
    OtlpItems.rebuild(e, batch, lineage);
  }

  /** What processors do to items: add, change, keep, remove attributes; touch every modelled field. */
  private static void enrich(Item item, SplittableRandom r) {
    int changes = r.nextInt(6);
    for (int c = 0; c < changes; c++) {
      switch (r.nextInt(22)) {
        case 0: item.attributes().put("request.id", "req-" + r.nextInt(100)); break;
        case 1: item.attributes().put(key(r), r.nextLong()); break;
        case 2: item.attributes().put(key(r), r.nextDouble()); break;
        case 3: item.attributes().put(key(r), r.nextBoolean()); break;
        case 4: item.attributes().putBytes(key(r), new byte[] {1, 2, (byte) r.nextInt()}); break;
        case 5: item.attributes().putArray(key(r), List.of("a", 2L, 1.5, true)); break;
        case 6: item.attributes().remove(key(r)); break;
        case 7:
          if (item.attributes().size() > 0) {
            // the value already there, written again: not a change
            int i = r.nextInt(item.attributes().size());
            item.attributes().putValue(item.attributes().keyAt(i), item.attributes().valueAt(i));
          }
          break;
        case 8:
          if (item.attributes().size() > 0) {
            item.attributes().setStringAt(r.nextInt(item.attributes().size()), "[REDACTED:email]");
          }
          break;
        case 9: item.attributes().put("payload", "{\"a\":\"changed\"}"); break;
        case 10: item.resource().put("deployment.environment.name", r.nextBoolean() ? "dev" : "prod"); break;
        case 11: item.scope().put("scope.attr", "x"); item.scopeName("renamed-scope"); break;
        case 12: item.scopeVersion(r.nextBoolean() ? null : "2.0"); item.schemaUrl(r.nextBoolean() ? null : "https://s/2"); break;
        case 13: item.name(r.nextBoolean() ? "renamed" : null); break;
        case 14: item.traceId(r.nextBoolean() ? "0AF7651916CD43DD8448EB211C80319C" : "not-hex!"); break;
        case 15: item.spanId("b7ad6b7169203331").parentSpanId(r.nextBoolean() ? null : "b7ad6b7169203332"); break;
        case 16: item.traceState(r.nextBoolean() ? null : "vendor=2").traceFlags(r.nextInt(256)); break;
        case 17: item.timeUnixNano(r.nextLong()).endTimeUnixNano(r.nextLong()).observedTimeUnixNano(r.nextLong()); break;
        case 18:
          if (item.kind() == Item.Kind.LOG) {
            String body = item.body();
            item.body(r.nextInt(3) == 0 ? null : r.nextBoolean() ? "{\"k\":[1,2]}" : body == null ? "new" : body + "!");
          }
          break;
        case 19: item.severityNumber(r.nextInt(25)).severityText(r.nextBoolean() ? null : "WARN"); break;
        case 20: item.resource().remove("service.name"); break;
        default:
          if (r.nextInt(4) == 0) {
            item.deadLetter("test: routed to the dead-letter sink");
          }
      }
    }
  }

  private static String key(SplittableRandom r) {
    return KEYS[r.nextInt(KEYS.length)];
  }

  // ------------------------------------------------------------ requests

  private static Message request(Signal signal, SplittableRandom r) {
    switch (signal) {
      case TRACES: {
        ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
        int groups = 1 + r.nextInt(3);
        ResourceSpans.Builder previous = null;
        for (int g = 0; g < groups; g++) {
          ResourceSpans.Builder rs = ResourceSpans.newBuilder();
          if (previous != null && r.nextInt(4) == 0) {
            rs.setResource(previous.getResource()); // equal resources in two groups
          } else if (r.nextInt(8) != 0) {
            rs.setResource(resource(r));
          }
          rs.setSchemaUrl(r.nextBoolean() ? "" : "https://opentelemetry.io/schemas/1.26.0");
          if (r.nextInt(10) == 0) {
            rs.setUnknownFields(unknown(r));
          }
          int scopes = r.nextInt(3) + (r.nextInt(10) == 0 ? 0 : 1);
          for (int s = 0; s < scopes; s++) {
            ScopeSpans.Builder ss = rs.addScopeSpansBuilder();
            if (r.nextInt(8) != 0) {
              ss.setScope(scope(r));
            }
            ss.setSchemaUrl(r.nextBoolean() ? "" : "https://example.com/s");
            int spans = r.nextInt(12);
            for (int i = 0; i < spans; i++) {
              ss.addSpans(span(r));
            }
          }
          b.addResourceSpans(rs);
          previous = rs;
        }
        if (r.nextInt(10) == 0) {
          b.setUnknownFields(unknown(r));
        }
        return b.build();
      }
      case LOGS: {
        ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
        int groups = 1 + r.nextInt(3);
        for (int g = 0; g < groups; g++) {
          ResourceLogs.Builder rl = b.addResourceLogsBuilder();
          if (r.nextInt(8) != 0) {
            rl.setResource(resource(r));
          }
          rl.setSchemaUrl(r.nextBoolean() ? "" : "https://opentelemetry.io/schemas/1.26.0");
          int scopes = 1 + r.nextInt(2);
          for (int s = 0; s < scopes; s++) {
            ScopeLogs.Builder sl = rl.addScopeLogsBuilder();
            if (r.nextInt(8) != 0) {
              sl.setScope(scope(r));
            }
            sl.setSchemaUrl(r.nextBoolean() ? "" : "https://example.com/s");
            int records = r.nextInt(12);
            for (int i = 0; i < records; i++) {
              sl.addLogRecords(log(r));
            }
          }
        }
        return b.build();
      }
      default: {
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        int groups = 1 + r.nextInt(2);
        for (int g = 0; g < groups; g++) {
          ResourceMetrics.Builder rm = b.addResourceMetricsBuilder();
          if (r.nextInt(8) != 0) {
            rm.setResource(resource(r));
          }
          rm.setSchemaUrl(r.nextBoolean() ? "" : "https://opentelemetry.io/schemas/1.26.0");
          for (int s = 1 + r.nextInt(2); s > 0; s--) {
            ScopeMetrics.Builder sm = rm.addScopeMetricsBuilder();
            if (r.nextInt(8) != 0) {
              sm.setScope(scope(r));
            }
            sm.setSchemaUrl(r.nextBoolean() ? "" : "https://example.com/s");
            for (int m = r.nextInt(6); m > 0; m--) {
              sm.addMetrics(metric(r));
            }
          }
        }
        return b.build();
      }
    }
  }

  /** Gauges and sums (itemized), histograms, summaries and empty metrics (passed through). */
  private static Metric metric(SplittableRandom r) {
    Metric.Builder m = Metric.newBuilder().setName(r.nextInt(3) == 0 ? "" : "http.server.duration." + r.nextInt(3))
        .setDescription(r.nextBoolean() ? "" : "käse ✓").setUnit(r.nextBoolean() ? "" : "ms");
    if (r.nextInt(5) == 0) {
      m.addMetadata(KeyValue.newBuilder().setKey("meta").setValue(value(r, 0)));
    }
    List<NumberDataPoint> points = new ArrayList<>();
    for (int p = r.nextInt(5); p > 0; p--) {
      NumberDataPoint.Builder point = NumberDataPoint.newBuilder().setTimeUnixNano(r.nextLong())
          .setStartTimeUnixNano(r.nextLong()).addAllAttributes(attributes(r, 4)).setFlags(r.nextInt(2));
      if (r.nextBoolean()) {
        point.setAsDouble(r.nextDouble());
      } else {
        point.setAsInt(r.nextLong());
      }
      if (r.nextInt(4) == 0) {
        point.addExemplars(Exemplar.newBuilder().setTimeUnixNano(r.nextLong()).setAsDouble(1.5)
            .setTraceId(id(r, 16)).addFilteredAttributes(KeyValue.newBuilder().setKey("k").setValue(value(r, 0))));
      }
      if (r.nextInt(10) == 0) {
        point.setUnknownFields(unknown(r));
      }
      points.add(point.build());
    }
    switch (r.nextInt(7)) {
      case 0: case 1: case 2:
        m.setGauge(Gauge.newBuilder().addAllDataPoints(points));
        break;
      case 3: case 4:
        m.setSum(Sum.newBuilder().addAllDataPoints(points).setIsMonotonic(r.nextBoolean())
            .setAggregationTemporality(AggregationTemporality.forNumber(r.nextInt(3))));
        break;
      case 5:
        m.setHistogram(Histogram.newBuilder().addDataPoints(HistogramDataPoint.newBuilder().setCount(3).setSum(4.5)
            .addAllBucketCounts(List.of(1L, 2L)).addExplicitBounds(2.0).addAllAttributes(attributes(r, 2))));
        break;
      default:
        if (r.nextBoolean()) {
          m.setSummary(Summary.newBuilder().addDataPoints(SummaryDataPoint.newBuilder().setCount(2).setSum(1)));
        } // else: no data at all
    }
    if (r.nextInt(10) == 0) {
      m.setUnknownFields(unknown(r));
    }
    return m.build();
  }

  private static Resource resource(SplittableRandom r) {
    Resource.Builder b = Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
        .setValue(AnyValue.newBuilder().setStringValue("svc-" + r.nextInt(3)))).addAllAttributes(attributes(r, 3))
        .setDroppedAttributesCount(r.nextInt(3));
    if (r.nextInt(6) == 0) {
      b.setUnknownFields(unknown(r));
    }
    return b.build();
  }

  private static InstrumentationScope scope(SplittableRandom r) {
    InstrumentationScope.Builder b = InstrumentationScope.newBuilder().setName(r.nextBoolean() ? "" : "io.scope")
        .setVersion(r.nextBoolean() ? "" : "1.0").addAllAttributes(attributes(r, 2))
        .setDroppedAttributesCount(r.nextInt(2));
    if (r.nextInt(6) == 0) {
      b.setUnknownFields(unknown(r));
    }
    return b.build();
  }

  private static ByteString id(SplittableRandom r, int size) {
    int shape = r.nextInt(40);
    if (shape == 0) {
      return ByteString.EMPTY;
    }
    if (shape == 1) {
      return ByteString.copyFrom(new byte[size]); // all zero: rejected
    }
    byte[] b = new byte[shape == 2 ? size - 1 : size];
    r.nextBytes(b);
    b[0] |= 1;
    return ByteString.copyFrom(b);
  }

  private static Span span(SplittableRandom r) {
    Span.Builder b = Span.newBuilder().setTraceId(id(r, 16)).setSpanId(id(r, 8)).setName(text(r))
        .setKind(Span.SpanKind.forNumber(r.nextInt(6))).setStartTimeUnixNano(r.nextLong())
        .setEndTimeUnixNano(r.nextLong()).addAllAttributes(attributes(r, 8))
        .setDroppedAttributesCount(r.nextInt(3)).setDroppedEventsCount(r.nextInt(2)).setDroppedLinksCount(r.nextInt(2));
    if (r.nextBoolean()) {
      b.setParentSpanId(r.nextInt(20) == 0 ? ByteString.copyFrom(new byte[7]) : id(r, 8));
    }
    if (r.nextBoolean()) {
      b.setTraceState("vendor=" + r.nextInt(9));
    }
    if (r.nextBoolean()) {
      b.setFlags(r.nextInt(4) == 0 ? 0x301 : r.nextInt(256));
    }
    for (int e = r.nextInt(3); e > 0; e--) {
      b.addEvents(Span.Event.newBuilder().setName(text(r)).setTimeUnixNano(r.nextLong())
          .addAllAttributes(attributes(r, 2)));
    }
    for (int l = r.nextInt(3); l > 0; l--) {
      b.addLinks(Span.Link.newBuilder().setTraceId(id(r, 16)).setSpanId(id(r, 8)).setTraceState("a=b")
          .addAllAttributes(attributes(r, 2)).setFlags(r.nextInt(3)));
    }
    if (r.nextBoolean()) {
      b.setStatus(Status.newBuilder().setCode(Status.StatusCode.forNumber(r.nextInt(3))).setMessage(text(r)));
    }
    if (r.nextInt(8) == 0) {
      b.setUnknownFields(unknown(r));
    }
    return b.build();
  }

  private static LogRecord log(SplittableRandom r) {
    LogRecord.Builder b = LogRecord.newBuilder().setTimeUnixNano(r.nextLong()).setObservedTimeUnixNano(r.nextLong())
        .setSeverityNumberValue(r.nextInt(10) == 0 ? -3 : r.nextInt(25)).setSeverityText(r.nextBoolean() ? "" : "INFO")
        .addAllAttributes(attributes(r, 6)).setDroppedAttributesCount(r.nextInt(2));
    if (r.nextInt(4) != 0) {
      b.setBody(r.nextInt(3) == 0 ? value(r, 0) : AnyValue.newBuilder().setStringValue(text(r)).build());
    }
    if (r.nextBoolean()) {
      b.setTraceId(id(r, 16)).setSpanId(id(r, 8));
    }
    if (r.nextBoolean()) {
      b.setFlags(r.nextInt(4) == 0 ? 0x101 : r.nextInt(256));
    }
    if (r.nextInt(3) == 0) {
      b.setEventName("app.event");
    }
    if (r.nextInt(8) == 0) {
      b.setUnknownFields(unknown(r));
    }
    return b.build();
  }

  private static List<KeyValue> attributes(SplittableRandom r, int max) {
    List<KeyValue> out = new ArrayList<>();
    for (int n = r.nextInt(max + 1); n > 0; n--) {
      KeyValue.Builder kv = KeyValue.newBuilder().setKey(key(r)).setValue(value(r, 0));
      if (r.nextInt(20) == 0) {
        kv.setUnknownFields(unknown(r));
      }
      out.add(kv.build());
    }
    return out;
  }

  private static AnyValue value(SplittableRandom r, int depth) {
    AnyValue.Builder b = AnyValue.newBuilder();
    int kind = r.nextInt(depth < 3 ? 10 : 7);
    switch (kind) {
      case 0: case 1: b.setStringValue(text(r)); break;
      case 2: b.setBoolValue(r.nextBoolean()); break;
      case 3: b.setIntValue(r.nextBoolean() ? r.nextLong() : r.nextInt(1000)); break;
      case 4: b.setDoubleValue(r.nextInt(10) == 0 ? Double.NaN : r.nextInt(10) == 0 ? -0.0 : r.nextDouble()); break;
      case 5: b.setBytesValue(ByteString.copyFrom(new byte[] {0, (byte) r.nextInt(), -1})); break;
      case 6: break; // empty
      case 7: case 8: {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int n = r.nextInt(4); n > 0; n--) {
          a.addValues(r.nextBoolean() ? AnyValue.newBuilder().setStringValue(text(r)).build() : value(r, depth + 1));
        }
        b.setArrayValue(a);
        break;
      }
      default: {
        KeyValueList.Builder l = KeyValueList.newBuilder();
        for (int n = r.nextInt(4); n > 0; n--) {
          l.addValues(KeyValue.newBuilder().setKey(key(r)).setValue(value(r, depth + 1)));
        }
        b.setKvlistValue(l);
      }
    }
    if (r.nextInt(30) == 0) {
      b.setUnknownFields(unknown(r));
    }
    return b.build();
  }

  private static String text(SplittableRandom r) {
    switch (r.nextInt(12)) {
      case 0: return "";
      case 1: return "käse ✓ 😀 " + r.nextInt(100);
      case 2: return "x".repeat(r.nextInt(20) == 0 ? 70_000 : 300);
      case 3: return "{\"a\":1}";
      default: return "GET /cart/" + r.nextInt(1000);
    }
  }

  /** Fields no OTLP version has (numbers 1000+): kept as they came. */
  private static UnknownFieldSet unknown(SplittableRandom r) {
    UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder();
    b.addField(1000 + r.nextInt(50), UnknownFieldSet.Field.newBuilder().addVarint(r.nextInt(1 << 20)).build());
    if (r.nextBoolean()) {
      b.addField(1100, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("opaque ✓"))
          .addFixed64(r.nextLong()).build());
    }
    if (r.nextInt(4) == 0) {
      b.addField(1200, UnknownFieldSet.Field.newBuilder().addFixed32(r.nextInt()).build());
    }
    return b.build();
  }

  /** Truncation, a flipped byte, bytes inserted, or a broken UTF-8 sequence. */
  private static byte[] mutate(byte[] wire, SplittableRandom r) {
    if (wire.length == 0) {
      return new byte[] {(byte) 0xFF};
    }
    switch (r.nextInt(4)) {
      case 0:
        return Arrays.copyOf(wire, r.nextInt(wire.length));
      case 1: {
        byte[] b = wire.clone();
        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        return b;
      }
      case 2: {
        int at = r.nextInt(wire.length);
        byte[] b = new byte[wire.length + 2];
        System.arraycopy(wire, 0, b, 0, at);
        b[at] = (byte) r.nextInt();
        b[at + 1] = (byte) r.nextInt();
        System.arraycopy(wire, at, b, at + 2, wire.length - at);
        return b;
      }
      default: {
        // an ASCII letter turned into a lone continuation byte: invalid UTF-8 if it was in a string
        byte[] b = wire.clone();
        for (int tries = 0; tries < 50; tries++) {
          int at = r.nextInt(b.length);
          if (b[at] >= 'a' && b[at] <= 'z') {
            b[at] = (byte) 0x80;
            break;
          }
        }
        return b;
      }
    }
  }
}
