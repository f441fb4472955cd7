package io.tributary.server.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.server.http.Api.Access;
import java.util.Objects;

/** {@code GET /metrics}: every meter of this node in the Prometheus text format (token required). */
public final class MetricsController implements Controller {

  private final PrometheusMeterRegistry registry;

  public MetricsController(PrometheusMeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void register(Api api) {
    api.get("/metrics", Access.VIEWER, "Prometheus text exposition of this node's meters", ctx ->
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
  }
}
