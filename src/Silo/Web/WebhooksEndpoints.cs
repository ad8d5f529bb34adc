using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// <c>/api/webhooks</c>: subscriptions and their delivery logs, admin only. The URL is chosen by an admin and the
/// recorder posts to it from inside the network (a server-side request by design), which is why no other role may
/// manage them.
/// </summary>
internal static class WebhooksEndpoints
{
    private const int DefaultDeliveryLimit = 50;
    private const int MaxDeliveryLimit = 500;
    private const string AuditCreate = "webhook-create";
    private const string AuditUpdate = "webhook-update";
    private const string AuditDelete = "webhook-delete";

    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(RecorderPolicies.Admin);
        hooks.MapGet("/", ListAsync).WithName("ListWebhooks");
        hooks.MapGet("/{id}", GetAsync).WithName("GetWebhook");
        hooks.MapPost("/", CreateAsync).WithName("CreateWebhook");
        hooks.MapPut("/{id}", UpdateAsync).WithName("UpdateWebhook");
        hooks.MapDelete("/{id}", DeleteAsync).WithName("DeleteWebhook");
        hooks.MapGet("/{id}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries");
        return api;
    }

    private static async Task<Ok<WebhookDto[]>> ListAsync(IWebhookStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListSubscriptionsAsync(cancellationToken)).Select(s => WebhookDto.From(s)).ToArray());

    private static async Task<Results<Ok<WebhookDto>, ProblemHttpResult>> GetAsync(string id, IWebhookStore store, CancellationToken cancellationToken) =>
        await store.GetSubscriptionAsync(id, cancellationToken) is { } subscription ? TypedResults.Ok(WebhookDto.From(subscription)) : NotFound(id);

    private static async Task<Results<Created<WebhookDto>, ValidationProblem>> CreateAsync(
        WebhookInputDto? body, HttpContext http, IWebhookStore store, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = body is null
            ? new Dictionary<string, string[]> { ["body"] = ["A JSON body with url and events is required."] }
            : WebhookSubscriptionValidator.Validate(body.Url, body.Events, body.Secret, body.Description, creating: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid webhook");
        }

        var generated = body!.Secret is null ? WebhookSignature.NewSecret() : null;
        var now = time.GetUtcNow();
        var subscription = new WebhookSubscription(
            Guid.NewGuid().ToString("N"), new Uri(body.Url!.Trim(), UriKind.Absolute), Distinct(body.Events!), body.Secret ?? generated!,
            body.Enabled ?? true, Blank(body.Description), now, now);
        await store.AddSubscriptionAsync(subscription, cancellationToken);
        await audit.WriteAsync(http, AuditCreate, subscription.Id, Describe(subscription));
        return TypedResults.Created($"/api/webhooks/{subscription.Id}", WebhookDto.From(subscription, generated));
    }

    private static async Task<Results<Ok<WebhookDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, WebhookInputDto? body, HttpContext http, IWebhookStore store, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = body is null
            ? new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] }
            : WebhookSubscriptionValidator.Validate(body.Url, body.Events, body.Secret, body.Description, creating: false);
        if (body is { Secret: not null, RotateSecret: true })
        {
            errors["secret"] = ["Give a secret or ask for a new one (rotateSecret), not both."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid webhook");
        }

        if (await store.GetSubscriptionAsync(id, cancellationToken) is not { } existing)
        {
            return NotFound(id);
        }

        var generated = body!.RotateSecret == true ? WebhookSignature.NewSecret() : null;
        var updated = existing with
        {
            Url = body.Url is null ? existing.Url : new Uri(body.Url.Trim(), UriKind.Absolute),
            Events = body.Events is null ? existing.Events : Distinct(body.Events),
            Secret = generated ?? body.Secret ?? existing.Secret,
            Enabled = body.Enabled ?? existing.Enabled,
            Description = body.Description is null ? existing.Description : Blank(body.Description),
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await store.UpdateSubscriptionAsync(updated, cancellationToken))
        {
            return NotFound(id);
        }

        var secretNote = generated is not null ? "; secret rotated" : body.Secret is not null ? "; secret replaced" : "";
        await audit.WriteAsync(http, AuditUpdate, id, Describe(updated) + secretNote);
        return TypedResults.Ok(WebhookDto.From(updated, generated));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpContext http, IWebhookStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await store.DeleteSubscriptionAsync(id, cancellationToken))
        {
            return NotFound(id);
        }

        await audit.WriteAsync(http, AuditDelete, id, null);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WebhookDeliveryDto[]>, ValidationProblem, ProblemHttpResult>> DeliveriesAsync(
        string id, int? limit, IWebhookStore store, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxDeliveryLimit)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["limit"] = [$"limit must be 1..{MaxDeliveryLimit}."] }, title: "Invalid query");
        }

        if (await store.GetSubscriptionAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var deliveries = await store.ListDeliveriesAsync(id, limit ?? DefaultDeliveryLimit, cancellationToken);
        return TypedResults.Ok(deliveries.Select(WebhookDeliveryDto.From).ToArray());
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Webhook not found", detail: $"No webhook with id '{id}'.");

    private static string[] Distinct(IReadOnlyList<string> events) => [.. events.Distinct(StringComparer.Ordinal)];

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Describe(WebhookSubscription s) =>
        $"{s.Url.AbsoluteUri} [{string.Join(",", s.Events)}] {(s.Enabled ? "enabled" : "disabled")}";
}
