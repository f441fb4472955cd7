package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.ChangeRequest;
import io.tributary.catalog.PipelineRevision;
import io.tributary.server.PipelineService;
import io.tributary.server.http.Api.Access;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Change requests for protected environments: list, approve, reject. */
public final class ChangeRequestsController implements Controller {

  private final Catalog catalog;
  private final PipelineService pipelines;
  private final ExpensiveRequests limits;

  public ChangeRequestsController(Catalog catalog, PipelineService pipelines) {
    this(catalog, pipelines, ExpensiveRequests.defaults(java.time.Clock.systemUTC()));
  }

  /** @param limits the per-principal limits of requests that compute diffs or compile */
  public ChangeRequestsController(Catalog catalog, PipelineService pipelines, ExpensiveRequests limits) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/change-requests", Access.VIEWER,
        "Change requests, newest first (?status=pending|applied|rejected)", limits.limit(this::list));
    api.get("/api/v1/change-requests/{id}", Access.VIEWER, "One change request with its diff",
        limits.limit(this::one));
    api.post("/api/v1/change-requests/{id}/approve", Access.APPROVER,
        "Approve and apply (not your own request; fails if the pipeline moved on)",
        "{\"reason\": string}", limits.limit(this::approve));
    api.post("/api/v1/change-requests/{id}/reject", Access.APPROVER, "Reject (not your own request)",
        "{\"reason\": string}", this::reject);
  }

  private void list(Context ctx) {
    String status = ctx.queryParam("status");
    ChangeRequest.Status filter = null;
    if (status != null && !status.isBlank()) {
      try {
        filter = ChangeRequest.Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("status '" + status + "' is not pending, applied or rejected");
      }
    }
    ctx.json(catalog.changeRequests().list(filter).stream().map(this::view).toList());
  }

  private long id(Context ctx) {
    return Json.pathLong(ctx, "id", "Change request id");
  }

  private void one(Context ctx) {
    ctx.json(view(catalog.changeRequests().get(id(ctx))));
  }

  private Map<String, Object> view(ChangeRequest request) {
    PipelineRevision proposed = catalog.pipelines().masked(new PipelineRevision(request.env(),
        request.baseRevision(), request.stages(), request.requester(), request.reason(), request.createdAt(),
        null, request.id()));
    Map<String, Object> m = Json.changeRequest(request);
    m.put("stages", proposed.stages().stream().map(Json::stage).toList());
    PipelineRevision base = catalog.pipelines().masked(catalog.pipelines().revision(request.env(), request.baseRevision()));
    m.put("diff", PipelineDiff.diff(base.stages(), proposed.stages()));
    return m;
  }

  private String reason(Context ctx) {
    String body = ctx.body();
    return body == null || body.isBlank() ? null : Json.string(Json.body(ctx), "reason", false);
  }

  private void approve(Context ctx) {
    long id = id(ctx);
    String reason = reason(ctx);
    ChangeRequest request = catalog.changeRequests().get(id);
    String actor = Api.principal(ctx).name();
    if (request.status() == ChangeRequest.Status.PENDING && !actor.equals(request.requester())) {
      // The processors on this node may have changed since it was submitted: check again.
      PipelineRevision base = catalog.pipelines().revision(request.env(), request.baseRevision());
      try {
        pipelines.check(request.env(), request.stages(), base);
      } catch (IllegalArgumentException maskedSecret) {
        // A secret we cannot see here: the check made when it was submitted stands.
      }
    }
    ctx.json(view(catalog.changeRequests().approve(id, actor, reason)));
  }

  private void reject(Context ctx) {
    ctx.json(view(catalog.changeRequests().reject(id(ctx), Api.principal(ctx).name(), reason(ctx))));
  }
}
