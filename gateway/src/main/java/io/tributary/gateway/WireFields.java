package io.tributary.gateway;

/**
 * Field numbers of the OTLP messages the fast path reads and writes by hand
 * (opentelemetry/proto/{collector,common,resource,trace,logs,metrics}/v1).
 */
final class WireFields {

  private WireFields() {}

  // ExportTraceServiceRequest / ExportLogsServiceRequest, ResourceSpans / ResourceLogs and
  // ScopeSpans / ScopeLogs number their fields alike.
  static final int REQUEST_RESOURCES = 1;
  static final int RESOURCE_GROUP_RESOURCE = 1;
  static final int RESOURCE_GROUP_SCOPES = 2;
  static final int RESOURCE_GROUP_SCHEMA_URL = 3;
  static final int SCOPE_GROUP_SCOPE = 1;
  static final int SCOPE_GROUP_RECORDS = 2;
  static final int SCOPE_GROUP_SCHEMA_URL = 3;

  // Resource and InstrumentationScope.
  static final int RESOURCE_ATTRIBUTES = 1;
  static final int SCOPE_NAME = 1;
  static final int SCOPE_VERSION = 2;
  static final int SCOPE_ATTRIBUTES = 3;

  // Span.
  static final int SPAN_TRACE_ID = 1;
  static final int SPAN_SPAN_ID = 2;
  static final int SPAN_TRACE_STATE = 3;
  static final int SPAN_PARENT_SPAN_ID = 4;
  static final int SPAN_NAME = 5;
  static final int SPAN_START_TIME = 7;
  static final int SPAN_END_TIME = 8;
  static final int SPAN_ATTRIBUTES = 9;
  static final int SPAN_FLAGS = 16;

  // LogRecord.
  static final int LOG_TIME = 1;
  static final int LOG_SEVERITY_NUMBER = 2;
  static final int LOG_SEVERITY_TEXT = 3;
  static final int LOG_BODY = 5;
  static final int LOG_ATTRIBUTES = 6;
  static final int LOG_FLAGS = 8;
  static final int LOG_TRACE_ID = 9;
  static final int LOG_SPAN_ID = 10;
  static final int LOG_OBSERVED_TIME = 11;
  static final int LOG_EVENT_NAME = 12;

  // Metric, Gauge / Sum, NumberDataPoint.
  static final int METRIC_NAME = 1;
  static final int METRIC_GAUGE = 5;
  static final int METRIC_SUM = 7;
  static final int DATA_POINTS = 1;
  static final int POINT_TIME = 3;
  static final int POINT_ATTRIBUTES = 7;

  /** Whether {@code field} of a Metric is one of its data fields (the {@code data} oneof). */
  static boolean isMetricData(int field) {
    return field == METRIC_GAUGE || field == METRIC_SUM || field == 9 || field == 10 || field == 11;
  }

  // KeyValue and AnyValue.
  static final int KV_KEY = 1;
  static final int KV_VALUE = 2;
  static final int ANY_STRING = 1;
  static final int ANY_BOOL = 2;
  static final int ANY_INT = 3;
  static final int ANY_DOUBLE = 4;
}
