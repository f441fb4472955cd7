package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.tributary.gateway.ExporterSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, as a new user would try it: the OpenTelemetry Java SDK sends log records with a
 * password and a Stripe key in the body (as text, and as a structured map) and in an attribute to
 * a real node with its default pipeline; the downstream OTLP/HTTP endpoint receives them, and no
 * secret is in what it received.
 */
class SecretsRedactionEndToEndTest {

  private static final String PASSWORD = "hunter2";
  private static final String STRIPE_KEY = "sk_live_EXAMPLE4eC39HqLyjWDarjtT1";

  @TempDir Path dir;
  private Javalin downstream;
  private final List<byte[]> received = new CopyOnWriteArrayList<>();
  private TestNode node;

  @BeforeEach
  void startDownstream() {
    downstream = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.post("/v1/logs", ctx -> {
        received.add(ctx.bodyAsBytes());
        ctx.contentType("application/x-protobuf").result(ExportLogsServiceResponse.getDefaultInstance().toByteArray());
      });
    }).start(0);
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    downstream.stop();
  }

  @Test
  void passwords_and_keys_sent_by_the_sdk_never_reach_the_downstream() throws Exception {
    node = TestNode.start(dir.resolve("data"), "dev",
        List.of(new ExporterSpec("otlp", "http://localhost:" + downstream.port())));
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), "auth")));
    SdkLoggerProvider loggerProvider = SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpHttpLogRecordExporter.builder()
            .setEndpoint("http://localhost:" + node.node.otlpPort() + "/v1/logs").build()))
        .build();
    Logger logger = loggerProvider.loggerBuilder("auth.login").build();

    logger.logRecordBuilder().setSeverity(Severity.WARN)
        .setBody("login failed for bob@example.org from 198.51.100.7 password=" + PASSWORD
            + " token=" + STRIPE_KEY)
        .setAttribute(AttributeKey.stringKey("app.detail"), "retry with pwd: " + PASSWORD)
        .emit();
    logger.logRecordBuilder().setSeverity(Severity.WARN)
        .setBody(Value.of(KeyValue.of("user", Value.of("bob")), KeyValue.of("password", Value.of(PASSWORD)),
            KeyValue.of("note", Value.of("charged with token=" + STRIPE_KEY))))
        .emit();
    assertThat(loggerProvider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    loggerProvider.shutdown().join(10, TimeUnit.SECONDS);

    List<LogRecord> logs = await(() -> {
      List<LogRecord> all = new ArrayList<>();
      for (byte[] body : received) {
        try {
          for (ResourceLogs rl : ExportLogsServiceRequest.parseFrom(body).getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
              all.addAll(sl.getLogRecordsList());
            }
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
      return all.size() >= 2 ? Optional.of(all) : Optional.empty();
    });

    // Nothing downstream holds either secret, in any field, byte for byte.
    for (byte[] body : received) {
      String raw = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(raw).doesNotContain(PASSWORD).doesNotContain(STRIPE_KEY).doesNotContain("bob@example.org");
    }
    LogRecord text = logs.stream().filter(l -> l.getBody().hasStringValue()).findFirst().orElseThrow();
    assertThat(text.getBody().getStringValue()).isEqualTo("login failed for [REDACTED:email] from "
        + "[REDACTED:ipv4] password=[REDACTED:credential] token=[REDACTED:api_key]");
    assertThat(attribute(text, "app.detail")).isEqualTo("retry with pwd: [REDACTED:credential]");
    assertThat(attribute(text, "pii.redacted.credential")).isEqualTo("2");

    // The structured body stays a map, scanned value by value.
    LogRecord map = logs.stream().filter(l -> l.getBody().hasKvlistValue()).findFirst().orElseThrow();
    List<io.opentelemetry.proto.common.v1.KeyValue> fields = map.getBody().getKvlistValue().getValuesList();
    assertThat(field(fields, "user")).isEqualTo("bob");
    assertThat(field(fields, "password")).isEqualTo("[REDACTED:key_name]");
    assertThat(field(fields, "note")).isEqualTo("charged with token=[REDACTED:api_key]");
  }

  private static String attribute(LogRecord log, String key) {
    return log.getAttributesList().stream().filter(kv -> kv.getKey().equals(key))
        .map(kv -> kv.getValue().hasIntValue() ? String.valueOf(kv.getValue().getIntValue())
            : kv.getValue().getStringValue())
        .findFirst().orElse(null);
  }

  private static String field(List<io.opentelemetry.proto.common.v1.KeyValue> fields, String key) {
    return fields.stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue())
        .map(AnyValue::getStringValue).findFirst().orElse(null);
  }

  private interface Probe<T> {
    Optional<T> get();
  }

  private static <T> T await(Probe<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("nothing arrived downstream within 15 s");
  }
}
