package io.tributary.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import io.tributary.gateway.Envelope.DeadLetter;
import io.tributary.gateway.Envelope.Line;
import io.tributary.gateway.Envelope.Origin;
import io.tributary.gateway.Envelope.PassThrough;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * OTLP export requests to {@link Item}s and back.
 *
 * <p>Spans, log records and gauge and sum data points become items: resource and scope
 * (name, version, attributes) on every item, trace context, name, body (non-string bodies as JSON
 * text), severity, timestamps, schema URL. Histograms, exponential histograms and summaries pass
 * through unchanged and unenriched. On the way back each item's changes are applied to a copy of
 * its original message, so what {@code Item} does not model (span kind, status, events, links,
 * metric type, unit and temporality, exemplars, dropped counts) is kept; items are regrouped by
 * resource and scope as they are after enrichment.
 */
final class OtlpItems {

  /** The attribute that carries an exported item's lineage. */
  static final String LINEAGE_ATTRIBUTE = "tributary.lineage";

  private static final int TRACE_ID_BYTES = 16;
  private static final int SPAN_ID_BYTES = 8;

  private OtlpItems() {}

  // ---------------------------------------------------------------- in

  static Envelope toItems(Signal signal, Message request) {
    List<Item> items = new ArrayList<>();
    List<Origin> origins = new ArrayList<>();
    List<PassThrough> passThrough = new ArrayList<>();
    long[] rejected = {0};
    StringBuilder why = new StringBuilder();
    switch (signal) {
      case TRACES: {
        for (ResourceSpans rs : ((ExportTraceServiceRequest) request).getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span span : ss.getSpansList()) {
              String problem = checkIds(span.getTraceId(), span.getSpanId(), true);
              if (problem == null && !span.getParentSpanId().isEmpty() && span.getParentSpanId().size() != SPAN_ID_BYTES) {
                problem = "parent span id is not 8 bytes";
              }
              if (problem != null) {
                reject(rejected, why, "span '" + span.getName() + "': " + problem);
                continue;
              }
              Item item = Item.span().name(span.getName()).traceId(OtlpJson.hex(span.getTraceId()))
                  .spanId(OtlpJson.hex(span.getSpanId())).parentSpanId(OtlpJson.hex(span.getParentSpanId()))
                  .traceFlags(span.getFlags() & 0xff).traceState(emptyToNull(span.getTraceState()))
                  .timeUnixNano(span.getStartTimeUnixNano()).endTimeUnixNano(span.getEndTimeUnixNano());
              AnyValues.putAll(item.attributes(), span.getAttributesList());
              add(items, origins, item, rs.getResource(), rs.getSchemaUrl(), ss.getScope(), ss.getSchemaUrl(), span,
                  null, -1);
            }
          }
        }
        break;
      }
      case LOGS:
        for (ResourceLogs rl : ((ExportLogsServiceRequest) request).getResourceLogsList()) {
          for (ScopeLogs sl : rl.getScopeLogsList()) {
            for (LogRecord log : sl.getLogRecordsList()) {
              String problem = checkIds(log.getTraceId(), log.getSpanId(), false);
              if (problem != null) {
                reject(rejected, why, "log record: " + problem);
                continue;
              }
              Item item = Item.log().name(emptyToNull(log.getEventName()))
                  .traceId(OtlpJson.hex(log.getTraceId())).spanId(OtlpJson.hex(log.getSpanId()))
                  .traceFlags(log.getFlags() & 0xff).body(AnyValues.bodyText(log.getBody()))
                  .severityNumber(log.getSeverityNumberValue()).severityText(emptyToNull(log.getSeverityText()))
                  .timeUnixNano(log.getTimeUnixNano()).observedTimeUnixNano(log.getObservedTimeUnixNano());
              AnyValues.putAll(item.attributes(), log.getAttributesList());
              add(items, origins, item, rl.getResource(), rl.getSchemaUrl(), sl.getScope(), sl.getSchemaUrl(), log,
                  null, -1);
            }
          }
        }
        break;
      default: {
        int metricIndex = 0;
        for (ResourceMetrics rm : ((ExportMetricsServiceRequest) request).getResourceMetricsList()) {
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            for (Metric metric : sm.getMetricsList()) {
              List<NumberDataPoint> points;
              if (metric.hasGauge()) {
                points = metric.getGauge().getDataPointsList();
              } else if (metric.hasSum()) {
                points = metric.getSum().getDataPointsList();
              } else {
                passThrough.add(new PassThrough(rm.getResource(), rm.getSchemaUrl(), sm.getScope(), sm.getSchemaUrl(),
                    metric));
                continue;
              }
              for (NumberDataPoint point : points) {
                Item item = Item.metricPoint().name(metric.getName()).timeUnixNano(point.getTimeUnixNano());
                AnyValues.putAll(item.attributes(), point.getAttributesList());
                add(items, origins, item, rm.getResource(), rm.getSchemaUrl(), sm.getScope(), sm.getSchemaUrl(),
                    point, metric, metricIndex);
              }
              metricIndex++;
            }
          }
        }
      }
    }
    return new Envelope(signal, items, origins, passThrough, rejected[0], why.toString());
  }

  private static void add(List<Item> items, List<Origin> origins, Item item, Resource resource,
      String resourceSchemaUrl, InstrumentationScope scope, String scopeSchemaUrl, Message message, Metric metric,
      int metricIndex) {
    AnyValues.putAll(item.resource(), resource.getAttributesList());
    AnyValues.putAll(item.scope(), scope.getAttributesList());
    item.scopeName(emptyToNull(scope.getName())).scopeVersion(emptyToNull(scope.getVersion()))
        .schemaUrl(emptyToNull(scopeSchemaUrl.isEmpty() ? resourceSchemaUrl : scopeSchemaUrl));
    items.add(item);
    origins.add(new Origin(resource, resourceSchemaUrl, scope, scopeSchemaUrl, message, metric, metricIndex));
  }

  private static String checkIds(ByteString traceId, ByteString spanId, boolean required) {
    if (required && traceId.isEmpty()) {
      return "trace id missing";
    }
    if (required && spanId.isEmpty()) {
      return "span id missing";
    }
    if (!traceId.isEmpty() && (traceId.size() != TRACE_ID_BYTES || allZero(traceId))) {
      return "trace id is not 16 bytes, not all zero";
    }
    if (!spanId.isEmpty() && (spanId.size() != SPAN_ID_BYTES || allZero(spanId))) {
      return "span id is not 8 bytes, not all zero";
    }
    return null;
  }

  private static boolean allZero(ByteString b) {
    for (int i = 0; i < b.size(); i++) {
      if (b.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static void reject(long[] rejected, StringBuilder why, String problem) {
    if (rejected[0]++ == 0) {
      why.append(problem);
    } else if (rejected[0] == 2) {
      why.append(" (and more)");
    }
  }

  // ---------------------------------------------------------------- out

  private record ResourceKey(Resource resource, String schemaUrl) {}

  private record ScopeKey(InstrumentationScope scope, String schemaUrl) {}

  private record MetricKey(int index, String name) {}

  /** An enriched item applied onto its original message. */
  private record Applied(ResourceKey resource, ScopeKey scope, Message message, Metric metric, int metricIndex) {}

  /**
   * Applies the enriched items of {@code batch} (which ran {@code envelope.items}) and fills in the
   * envelope's request (or its encoding), lines and dead letters. Envelopes the fast path decoded
   * ({@link WireDecoder}, {@link WireWriter}) are written from their bytes; the others are applied to copies of their
   * original messages.
   */
  static void rebuild(Envelope envelope, Batch batch, boolean lineageAttribute) {
    if (envelope.source != null) {
      WireWriter.rebuild(envelope, batch, lineageAttribute);
      return;
    }
    Map<ResourceKey, Map<ScopeKey, List<Object>>> groups = new LinkedHashMap<>();
    List<Line> lines = new ArrayList<>(envelope.items.size());
    List<DeadLetter> dead = new ArrayList<>();
    // Keyed by the origin's Resource / InstrumentationScope instance (identity: they come from one request).
    Map<Object, Shared> memo = new java.util.IdentityHashMap<>();
    int delivered = 0;
    for (int i = 0; i < envelope.items.size(); i++) {
      Item item = envelope.items.get(i);
      String lineage = batch.lineage(i);
      boolean isMetric = envelope.signal == Signal.METRICS;
      // A lineage attribute on metric points would split every series per pipeline revision.
      Applied applied = apply(item, envelope.origins.get(i), lineageAttribute && !isMetric ? lineage : null, memo);
      if (item.deadLetterReason() != null) {
        dead.add(deadLetter(envelope.signal, applied, lineage, item.deadLetterReason()));
        continue;
      }
      Signal signal = envelope.signal;
      lines.add(new Line(lineage, () -> line(signal, applied)));
      groups.computeIfAbsent(applied.resource(), k -> new LinkedHashMap<>())
          .computeIfAbsent(applied.scope(), k -> new ArrayList<>()).add(applied);
      delivered++;
    }
    for (PassThrough p : envelope.passThrough) {
      groups.computeIfAbsent(new ResourceKey(p.resource(), p.resourceSchemaUrl()), k -> new LinkedHashMap<>())
          .computeIfAbsent(new ScopeKey(p.scope(), p.scopeSchemaUrl()), k -> new ArrayList<>()).add(p.metric());
      delivered++;
    }
    envelope.request = request(envelope.signal, groups);
    envelope.lines = lines;
    envelope.deadLetters = dead;
    envelope.delivered = delivered;
  }

  /**
   * The resource and scope last built for one origin resource and scope, with the item parts they
   * were built from. Items of one request nearly always share them, enriched alike; building and
   * hashing a fresh Resource message per item cost more than the rest of the rebuild.
   */
  private static final class Shared {
    Attributes resourceAttributes;
    ResourceKey resource;
    Attributes scopeAttributes;
    String scopeName;
    String scopeVersion;
    String schemaUrl;
    String originScopeSchemaUrl;
    String originResourceSchemaUrl;
    ScopeKey scope;
  }

  private static Applied apply(Item item, Origin o, String lineage, Map<Object, Shared> memo) {
    ResourceKey resourceKey = resourceKey(item, o, memo);
    ScopeKey scopeKey = scopeKey(item, o, memo);
    return message(item, o, lineage, resourceKey, scopeKey);
  }

  private static ResourceKey resourceKey(Item item, Origin o, Map<Object, Shared> memo) {
    Shared shared = memo.computeIfAbsent(o.resource(), k -> new Shared());
    ResourceKey resourceKey;
    // Keyed by the Resource instance: requests without a resource share the default one, so the
    // schema URL must match too.
    if (shared.resource != null && shared.resource.schemaUrl().equals(o.resourceSchemaUrl())
        && shared.resourceAttributes.equals(item.resource())) {
      resourceKey = shared.resource;
    } else {
      Resource resource = o.resource().toBuilder().clearAttributes()
          .addAllAttributes(AnyValues.keyValues(item.resource(), o.resource().getAttributesList())).build();
      resourceKey = new ResourceKey(resource, o.resourceSchemaUrl());
      shared.resource = resourceKey;
      shared.resourceAttributes = item.resource();
    }
    return resourceKey;
  }

  private static ScopeKey scopeKey(Item item, Origin o, Map<Object, Shared> memo) {
    Shared sharedScope = memo.computeIfAbsent(o.scope(), k -> new Shared());
    ScopeKey scopeKey;
    if (sharedScope.scope != null && sharedScope.originScopeSchemaUrl.equals(o.scopeSchemaUrl())
        && sharedScope.originResourceSchemaUrl.equals(o.resourceSchemaUrl())
        && sharedScope.scopeAttributes.equals(item.scope())
        && Objects.equals(sharedScope.scopeName, item.scopeName())
        && Objects.equals(sharedScope.scopeVersion, item.scopeVersion())
        && Objects.equals(sharedScope.schemaUrl, item.schemaUrl())) {
      scopeKey = sharedScope.scope;
    } else {
      InstrumentationScope scope = o.scope().toBuilder().setName(nullToEmpty(item.scopeName()))
          .setVersion(nullToEmpty(item.scopeVersion())).clearAttributes()
          .addAllAttributes(AnyValues.keyValues(item.scope(), o.scope().getAttributesList())).build();
      String originalSchema = o.scopeSchemaUrl().isEmpty() ? o.resourceSchemaUrl() : o.scopeSchemaUrl();
      String scopeSchemaUrl = Objects.equals(emptyToNull(originalSchema), item.schemaUrl()) ? o.scopeSchemaUrl()
          : nullToEmpty(item.schemaUrl());
      scopeKey = new ScopeKey(scope, scopeSchemaUrl);
      sharedScope.scope = scopeKey;
      sharedScope.originScopeSchemaUrl = o.scopeSchemaUrl();
      sharedScope.originResourceSchemaUrl = o.resourceSchemaUrl();
      sharedScope.scopeAttributes = item.scope();
      sharedScope.scopeName = item.scopeName();
      sharedScope.scopeVersion = item.scopeVersion();
      sharedScope.schemaUrl = item.schemaUrl();
    }
    return scopeKey;
  }

  /** The item applied onto a copy of its original message. */
  private static Applied message(Item item, Origin o, String lineage, ResourceKey resourceKey, ScopeKey scopeKey) {
    List<KeyValue> attributes;
    Message message;
    Metric metric = null;
    switch (item.kind()) {
      case SPAN: {
        Span span = (Span) o.message();
        attributes = spanAttributes(item, span, lineage);
        message = span.toBuilder().setName(nullToEmpty(item.name())).setTraceId(id(item.traceId()))
            .setSpanId(id(item.spanId())).setParentSpanId(id(item.parentSpanId()))
            .setFlags((span.getFlags() & ~0xff) | (item.traceFlags() & 0xff))
            .setTraceState(nullToEmpty(item.traceState())).setStartTimeUnixNano(item.timeUnixNano())
            .setEndTimeUnixNano(item.endTimeUnixNano()).clearAttributes().addAllAttributes(attributes).build();
        break;
      }
      case LOG: {
        LogRecord log = (LogRecord) o.message();
        attributes = withLineage(AnyValues.keyValues(item.attributes(), log.getAttributesList()), lineage);
        LogRecord.Builder b = log.toBuilder().setEventName(nullToEmpty(item.name())).setTraceId(id(item.traceId()))
            .setSpanId(id(item.spanId())).setFlags((log.getFlags() & ~0xff) | (item.traceFlags() & 0xff))
            .setSeverityNumberValue(item.severityNumber()).setSeverityText(nullToEmpty(item.severityText()))
            .setTimeUnixNano(item.timeUnixNano()).setObservedTimeUnixNano(item.observedTimeUnixNano())
            .clearAttributes().addAllAttributes(attributes);
        if (!Objects.equals(item.body(), AnyValues.bodyText(log.getBody()))) {
          b.setBody(body(item.body(), log.getBody()));
        }
        message = b.build();
        break;
      }
      default: {
        NumberDataPoint point = (NumberDataPoint) o.message();
        attributes = withLineage(AnyValues.keyValues(item.attributes(), point.getAttributesList()), lineage);
        message = point.toBuilder().setTimeUnixNano(item.timeUnixNano()).clearAttributes()
            .addAllAttributes(attributes).build();
        Metric.Builder m = o.metric().toBuilder().setName(nullToEmpty(item.name()));
        if (o.metric().hasGauge()) {
          m.setGauge(o.metric().getGauge().toBuilder().clearDataPoints());
        } else {
          m.setSum(o.metric().getSum().toBuilder().clearDataPoints());
        }
        metric = m.build();
      }
    }
    return new Applied(resourceKey, scopeKey, message, metric, o.metricIndex());
  }

  static AnyValue body(String text, AnyValue original) {
    if (text == null) {
      return AnyValue.getDefaultInstance();
    }
    if (original.hasKvlistValue() || original.hasArrayValue()) {
      AnyValue parsed = AnyValues.fromJsonText(text);
      if (parsed != null && (parsed.hasKvlistValue() || parsed.hasArrayValue())) {
        return parsed;
      }
    }
    return AnyValue.newBuilder().setStringValue(text).build();
  }

  /** A dead letter for an item a stage routed there: its line, with its lineage. */
  private static DeadLetter deadLetter(Signal signal, Applied applied, String lineage, String reason) {
    ObjectNode json = line(signal, applied);
    json.put("lineage", lineage);
    return new DeadLetter(json, reason);
  }

  /** A span's attributes after enrichment; unchanged ones are the original messages themselves. */
  static List<KeyValue> spanAttributes(Item item, Span span, String lineage) {
    return withLineage(AnyValues.keyValues(item.attributes(), span.getAttributesList()), lineage);
  }

  private static List<KeyValue> withLineage(List<KeyValue> attributes, String lineage) {
    if (lineage != null) {
      attributes.removeIf(kv -> kv.getKey().equals(LINEAGE_ATTRIBUTE));
      attributes.add(AnyValues.keyValue(LINEAGE_ATTRIBUTE, lineage));
    }
    return attributes;
  }

  private static Message request(Signal signal, Map<ResourceKey, Map<ScopeKey, List<Object>>> groups) {
    switch (signal) {
      case TRACES: {
        ExportTraceServiceRequest.Builder r = ExportTraceServiceRequest.newBuilder();
        groups.forEach((rk, scopes) -> {
          ResourceSpans.Builder rs = r.addResourceSpansBuilder().setResource(rk.resource()).setSchemaUrl(rk.schemaUrl());
          scopes.forEach((sk, list) -> {
            ScopeSpans.Builder ss = rs.addScopeSpansBuilder().setScope(sk.scope()).setSchemaUrl(sk.schemaUrl());
            list.forEach(a -> ss.addSpans((Span) ((Applied) a).message()));
          });
        });
        return r.build();
      }
      case LOGS: {
        ExportLogsServiceRequest.Builder r = ExportLogsServiceRequest.newBuilder();
        groups.forEach((rk, scopes) -> {
          ResourceLogs.Builder rl = r.addResourceLogsBuilder().setResource(rk.resource()).setSchemaUrl(rk.schemaUrl());
          scopes.forEach((sk, list) -> {
            ScopeLogs.Builder sl = rl.addScopeLogsBuilder().setScope(sk.scope()).setSchemaUrl(sk.schemaUrl());
            list.forEach(a -> sl.addLogRecords((LogRecord) ((Applied) a).message()));
          });
        });
        return r.build();
      }
      default: {
        ExportMetricsServiceRequest.Builder r = ExportMetricsServiceRequest.newBuilder();
        groups.forEach((rk, scopes) -> {
          ResourceMetrics.Builder rm = r.addResourceMetricsBuilder().setResource(rk.resource())
              .setSchemaUrl(rk.schemaUrl());
          scopes.forEach((sk, list) -> {
            ScopeMetrics.Builder sm = rm.addScopeMetricsBuilder().setScope(sk.scope()).setSchemaUrl(sk.schemaUrl());
            Map<MetricKey, Metric.Builder> metrics = new LinkedHashMap<>();
            for (Object o : list) {
              if (o instanceof Metric) {
                sm.addMetrics((Metric) o);
                continue;
              }
              Applied a = (Applied) o;
              Metric.Builder m = metrics.computeIfAbsent(new MetricKey(a.metricIndex(), a.metric().getName()), k -> {
                Metric.Builder b = a.metric().toBuilder();
                return b;
              });
              if (m.hasGauge()) {
                m.getGaugeBuilder().addDataPoints((NumberDataPoint) a.message());
              } else {
                m.getSumBuilder().addDataPoints((NumberDataPoint) a.message());
              }
            }
            metrics.values().forEach(sm::addMetrics);
          });
        });
        return r.build();
      }
    }
  }

  /**
   * One line per item of an enriched export request, as {@link #rebuild} renders them: for when
   * the lines were not kept (an export dead letter of a request the gateway holds only encoded).
   * A metric passed through whole (a histogram, a summary) is one line.
   */
  static List<Line> lines(Signal signal, Message request) {
    List<Line> out = new ArrayList<>();
    switch (signal) {
      case TRACES:
        for (ResourceSpans rs : ((ExportTraceServiceRequest) request).getResourceSpansList()) {
          ResourceKey resource = new ResourceKey(rs.getResource(), rs.getSchemaUrl());
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            ScopeKey scope = new ScopeKey(ss.getScope(), ss.getSchemaUrl());
            for (Span span : ss.getSpansList()) {
              out.add(rendered(signal, new Applied(resource, scope, span, null, 0), span.getAttributesList()));
            }
          }
        }
        break;
      case LOGS:
        for (ResourceLogs rl : ((ExportLogsServiceRequest) request).getResourceLogsList()) {
          ResourceKey resource = new ResourceKey(rl.getResource(), rl.getSchemaUrl());
          for (ScopeLogs sl : rl.getScopeLogsList()) {
            ScopeKey scope = new ScopeKey(sl.getScope(), sl.getSchemaUrl());
            for (LogRecord log : sl.getLogRecordsList()) {
              out.add(rendered(signal, new Applied(resource, scope, log, null, 0), log.getAttributesList()));
            }
          }
        }
        break;
      default:
        for (ResourceMetrics rm : ((ExportMetricsServiceRequest) request).getResourceMetricsList()) {
          ResourceKey resource = new ResourceKey(rm.getResource(), rm.getSchemaUrl());
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            ScopeKey scope = new ScopeKey(sm.getScope(), sm.getSchemaUrl());
            for (Metric m : sm.getMetricsList()) {
              List<NumberDataPoint> points = m.hasGauge() ? m.getGauge().getDataPointsList()
                  : m.hasSum() ? m.getSum().getDataPointsList() : null;
              if (points == null) {
                ObjectNode line = header(signal, resource, scope);
                line.set("metric", OtlpJson.toJson(m));
                out.add(new Line("", line.toString()));
                continue;
              }
              Metric bare = m.hasGauge() ? m.toBuilder().setGauge(m.getGauge().toBuilder().clearDataPoints()).build()
                  : m.toBuilder().setSum(m.getSum().toBuilder().clearDataPoints()).build();
              for (NumberDataPoint point : points) {
                out.add(rendered(signal, new Applied(resource, scope, point, bare, 0), List.of()));
              }
            }
          }
        }
    }
    return out;
  }

  private static Line rendered(Signal signal, Applied applied, List<KeyValue> attributes) {
    String lineage = "";
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(LINEAGE_ATTRIBUTE)) {
        lineage = kv.getValue().getStringValue();
      }
    }
    return new Line(lineage, line(signal, applied).toString());
  }

  private static ObjectNode header(Signal signal, ResourceKey r, ScopeKey s) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("signal", signal.label());
    ObjectNode resource = OtlpJson.toJson(r.resource());
    if (!r.schemaUrl().isEmpty()) {
      resource.put("schemaUrl", r.schemaUrl());
    }
    line.set("resource", resource);
    ObjectNode scope = OtlpJson.toJson(s.scope());
    if (!s.schemaUrl().isEmpty()) {
      scope.put("schemaUrl", s.schemaUrl());
    }
    line.set("scope", scope);
    return line;
  }

  /**
   * The line of a span, log record or data point (of {@code metric}, without its points) under
   * {@code resource} and {@code scope} (see {@link WireLine}).
   */
  static ObjectNode line(Signal signal, Resource resource, String resourceSchemaUrl, InstrumentationScope scope,
      String scopeSchemaUrl, Message record, Metric metric) {
    return line(signal, new Applied(new ResourceKey(resource, resourceSchemaUrl),
        new ScopeKey(scope, scopeSchemaUrl), record, metric, 0));
  }

  /** One enriched item as a JSONL line: signal, resource, scope and the item in OTLP/JSON. */
  private static ObjectNode line(Signal signal, Applied a) {
    ObjectNode line = header(signal, a.resource(), a.scope());
    switch (signal) {
      case TRACES: line.set("span", OtlpJson.toJson(a.message())); break;
      case LOGS: line.set("logRecord", OtlpJson.toJson(a.message())); break;
      default: {
        Metric.Builder m = a.metric().toBuilder();
        if (m.hasGauge()) {
          m.getGaugeBuilder().addDataPoints((NumberDataPoint) a.message());
        } else {
          m.getSumBuilder().addDataPoints((NumberDataPoint) a.message());
        }
        line.set("metric", OtlpJson.toJson(m.build()));
      }
    }
    return line;
  }

  static ByteString id(String hex) {
    if (hex == null || hex.isEmpty()) {
      return ByteString.EMPTY;
    }
    try {
      return OtlpJson.hex(hex, "id");
    } catch (OtlpJson.FormatException e) {
      // A processor wrote something that is not hex: keep it visible rather than drop the item.
      return ByteString.copyFromUtf8(hex);
    }
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
