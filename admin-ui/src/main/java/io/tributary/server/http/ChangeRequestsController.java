package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.ChangeRequest;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.Principal;
import io.tributary.server.PipelineService;
import io.tributary.server.http.Api.Access;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Change requests for protected environments: list, approve, reject, withdraw. */
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
        "Change requests, newest first (?status=pending|applied|rejected|superseded|withdrawn)", limits.limit(this::list));
    api.get("/api/v1/change-requests/{id}", Access.VIEWER,
        "One change request with its diff and review (every stage in full, secrets masked)", limits.limit(this::one));
    api.post("/api/v1/change-requests/{id}/approve", Access.APPROVER,
        "Approve and apply (a second person: not the requester, not created by or the creator of the requester,"
            + " not created after the request; 409 once superseded)",
        "{\"reason\": string}", limits.limit(this::approve));
    api.post("/api/v1/change-requests/{id}/reject", Access.APPROVER, "Reject (not your own request)",
        "{\"reason\": string}", this::reject);
    api.post("/api/v1/change-requests/{id}/withdraw", Access.OPERATOR,
        "Withdraw your own pending request (only its requester may: 403 naming who can; 409 once decided),"
            + " audited as change.withdrawn",
        "{\"reason\"?: string}", this::withdraw);
  }

  private void list(Context ctx) {
    String status = ctx.queryParam("status");
    ChangeRequest.Status filter = null;
    if (status != null && !status.isBlank()) {
      try {
        filter = ChangeRequest.Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("status '" + status + "' is not pending, applied, rejected, superseded or withdrawn");
      }
    }
    ctx.json(catalog.changeRequests().list(filter).stream().map(c -> view(catalog, c)).toList());
  }

  private long id(Context ctx) {
    return Json.pathLong(ctx, "id", "Change request id");
  }

  private void one(Context ctx) {
    ctx.json(view(catalog, catalog.changeRequests().get(id(ctx))));
  }

  /**
   * A change request as the API shows it: {@code diff} (field by field, as before) and {@code
   * review}, which names every stage of the base and the proposal with its complete configuration
   * (secrets as {@code {"set": true}}), so an approver sees all of what they approve.
   */
  static Map<String, Object> view(Catalog catalog, ChangeRequest request) {
    PipelineRevision proposed = catalog.pipelines().masked(new PipelineRevision(request.env(),
        request.baseRevision(), request.stages(), request.requester(), request.reason(), request.createdAt(),
        null, request.id()));
    Map<String, Object> m = Json.changeRequest(request);
    m.put("stages", proposed.stages().stream().map(Json::stage).toList());
    PipelineRevision base = catalog.pipelines().masked(catalog.pipelines().revision(request.env(), request.baseRevision()));
    m.put("diff", PipelineDiff.diff(base.stages(), proposed.stages()));
    m.put("review", PipelineDiff.review(base.stages(), proposed.stages(), request.changedSecrets()));
    return m;
  }

  private String reason(Context ctx) {
    String body = ctx.body();
    return body == null || body.isBlank() ? null : TextInput.reason(Json.string(Json.body(ctx), "reason", false));
  }

  private void approve(Context ctx) {
    long id = id(ctx);
    String reason = reason(ctx);
    ChangeRequest request = catalog.changeRequests().get(id);
    Principal actor = Api.principal(ctx);
    if (request.status() == ChangeRequest.Status.PENDING && !Long.valueOf(actor.id()).equals(request.requesterId())) {
      // The processors on this node may have changed since it was submitted: check again.
      PipelineRevision base = catalog.pipelines().revision(request.env(), request.baseRevision());
      try {
        pipelines.check(request.env(), request.stages(), base);
      } catch (IllegalArgumentException maskedSecret) {
        // A secret we cannot see here: the check made when it was submitted stands.
      }
    }
    ctx.json(view(catalog, catalog.changeRequests().approve(id, actor, reason)));
  }

  private void withdraw(Context ctx) {
    long id = id(ctx);
    String reason = reason(ctx);
    ctx.json(view(catalog, catalog.changeRequests().withdraw(id, Api.principal(ctx), reason)));
  }

  private void reject(Context ctx) {
    long id = id(ctx);
    String reason = reason(ctx);
    ctx.json(view(catalog, catalog.changeRequests().reject(id, Api.principal(ctx), reason)));
  }
}
