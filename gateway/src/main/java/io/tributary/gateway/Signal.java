package io.tributary.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.Locale;

/** The three OTLP signals: their HTTP path, request parser and response builder. */
public enum Signal {
  TRACES("/v1/traces", "opentelemetry.proto.collector.trace.v1.TraceService"),
  LOGS("/v1/logs", "opentelemetry.proto.collector.logs.v1.LogsService"),
  METRICS("/v1/metrics", "opentelemetry.proto.collector.metrics.v1.MetricsService");

  private final String path;
  private final String grpcService;

  Signal(String path, String grpcService) {
    this.path = path;
    this.grpcService = grpcService;
  }

  /** The signal whose OTLP/gRPC service is {@code service}, or null. */
  static Signal ofGrpcService(String service) {
    for (Signal s : values()) {
      if (s.grpcService.equals(service)) {
        return s;
      }
    }
    return null;
  }

  /** The OTLP/gRPC service, e.g. {@code opentelemetry.proto.collector.trace.v1.TraceService}. */
  String grpcService() {
    return grpcService;
  }

  /** The OTLP/HTTP path, e.g. {@code /v1/traces}. */
  public String path() {
    return path;
  }

  /** The tag value and JSONL name: {@code traces}, {@code logs}, {@code metrics}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  Message.Builder newRequestBuilder() {
    switch (this) {
      case TRACES: return ExportTraceServiceRequest.newBuilder();
      case LOGS: return ExportLogsServiceRequest.newBuilder();
      default: return ExportMetricsServiceRequest.newBuilder();
    }
  }

  Message parseRequest(byte[] protobuf) throws InvalidProtocolBufferException {
    switch (this) {
      case TRACES: return ExportTraceServiceRequest.parseFrom(protobuf);
      case LOGS: return ExportLogsServiceRequest.parseFrom(protobuf);
      default: return ExportMetricsServiceRequest.parseFrom(protobuf);
    }
  }

  /** The Export*ServiceResponse: empty on full success, else with partial-success counts. */
  Message response(long rejected, String message) {
    switch (this) {
      case TRACES: {
        ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
        if (rejected > 0 || !message.isEmpty()) {
          b.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected)
              .setErrorMessage(message));
        }
        return b.build();
      }
      case LOGS: {
        ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
        if (rejected > 0 || !message.isEmpty()) {
          b.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected)
              .setErrorMessage(message));
        }
        return b.build();
      }
      default: {
        ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
        if (rejected > 0 || !message.isEmpty()) {
          b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected)
              .setErrorMessage(message));
        }
        return b.build();
      }
    }
  }
}
