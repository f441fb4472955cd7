package io.tributary.server.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spans sent as an application sends them: the OpenTelemetry SDK's OTLP/HTTP exporter (protobuf)
 * to a node's receiver, one export per span.
 */
public final class SdkSpans implements AutoCloseable {

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  public SdkSpans(int otlpPort, String service) {
    provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
            service))))
        .addSpanProcessor(SimpleSpanProcessor.create(
            OtlpHttpSpanExporter.builder().setEndpoint("http://localhost:" + otlpPort + "/v1/traces").build()))
        .build();
    tracer = provider.tracerBuilder("shop.checkout").setInstrumentationVersion("1.4.0").build();
  }

  /** Ends a root span (a trace of its own) with these string attributes, exports it; its trace id. */
  public String send(String name, Map<String, String> attributes) {
    Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).startSpan();
    attributes.forEach(span::setAttribute);
    span.end();
    if (!provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()) {
      throw new IllegalStateException("the SDK could not export span " + name);
    }
    return span.getSpanContext().getTraceId();
  }

  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
