package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

  private static ExportTraceServiceRequest parse(String json) throws OtlpJson.FormatException {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    OtlpJson.merge(json.getBytes(StandardCharsets.UTF_8), b);
    return b.build();
  }

  private static Span onlySpan(ExportTraceServiceRequest r) {
    return r.getResourceSpans(0).getScopeSpans(0).getSpans(0);
  }

  @Test
  void trace_and_span_ids_are_read_as_hex_not_base64() throws Exception {
    Span span = onlySpan(parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"parentSpanId\":\"\",\"name\":\"x\"}]}]}]}"));

    assertThat(span.getTraceId().size()).isEqualTo(16);
    assertThat(OtlpJson.hex(span.getTraceId())).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(OtlpJson.hex(span.getSpanId())).isEqualTo("eee19b7ec3c1b174");
    assertThat(span.getParentSpanId()).isEqualTo(ByteString.EMPTY);
  }

  @Test
  void int64_as_string_or_number_enums_as_number_or_name_snake_case_and_unknown_fields() throws Exception {
    Span span = onlySpan(parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
        + "\"start_time_unix_nano\":\"1718000000000000000\",\"endTimeUnixNano\":1718000000250000000,"
        + "\"kind\":\"SPAN_KIND_CLIENT\",\"status\":{\"code\":2},\"futureField\":{\"a\":1},"
        + "\"attributes\":[{\"key\":\"n\",\"value\":{\"intValue\":\"42\"}},"
        + "{\"key\":\"d\",\"value\":{\"doubleValue\":\"NaN\"}}]}]}]}]}"));

    assertThat(span.getStartTimeUnixNano()).isEqualTo(1718000000000000000L);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1718000000250000000L);
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.getStatus().getCodeValue()).isEqualTo(2);
    assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(42);
    assertThat(span.getAttributes(1).getValue().getDoubleValue()).isNaN();
  }

  @Test
  void malformed_documents_name_the_path() {
    assertThatThrownBy(() -> parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz1\"}]}]}]}"))
        .isInstanceOf(OtlpJson.FormatException.class)
        .hasMessageContaining("$.resourceSpans[0].scopeSpans[0].spans[0].traceId");
    assertThatThrownBy(() -> parse("{\"resourceSpans\": 3}")).hasMessageContaining("expected an array");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> parse("{not json")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}"))
        .hasMessageContaining("not an integer");
  }

  @Test
  void writing_uses_hex_ids_camel_case_and_string_int64_and_reads_back_the_same() throws Exception {
    ExportTraceServiceRequest original = parse("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"startTimeUnixNano\":\"1718000000000000000\",\"kind\":2,\"name\":\"GET /\"}]}]}]}");

    String text = OtlpJson.toJsonText(original);

    assertThat(text).contains("\"traceId\":\"5b8efff798038103d269b633813fc60c\"")
        .contains("\"startTimeUnixNano\":\"1718000000000000000\"").contains("\"kind\":2");
    assertThat(parse(text)).isEqualTo(original);
  }
}
