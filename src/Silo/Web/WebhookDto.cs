using System.Text.Json.Serialization;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// A subscription in the REST shape. <see cref="Secret"/> is present only in the answer that generated it (creation
/// without a secret, or a rotation): it is never read back.
/// </summary>
internal sealed record WebhookDto(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    bool Enabled,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    public static WebhookDto From(WebhookSubscription subscription, string? generatedSecret = null)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return new WebhookDto(subscription.Id, subscription.Url.AbsoluteUri, subscription.Events, subscription.Enabled,
            subscription.Description, subscription.CreatedAt, subscription.UpdatedAt, generatedSecret);
    }
}
