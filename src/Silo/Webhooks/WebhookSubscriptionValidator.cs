namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// Checks a subscription as an admin enters it. Errors are keyed by field, ready for a validation problem (400).
/// </summary>
/// <remarks>
/// The URL is an admin's choice and may name any host, the cluster's own network included (server-side request
/// forgery is why only admins manage webhooks). What is refused is what can only be a mistake or a leak: relative or
/// non-HTTP URLs, credentials in the URL (they would show in the API and the logs), fragments.
/// </remarks>
internal static class WebhookSubscriptionValidator
{
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 256;
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 200;

    /// <param name="url">Required when <paramref name="creating"/>; null on update keeps the current one.</param>
    /// <param name="events">Required when <paramref name="creating"/>; null on update keeps the current ones.</param>
    /// <param name="secret">Optional: null generates one on create and keeps the current one on update.</param>
    /// <param name="description">Optional, at most <see cref="MaxDescriptionLength"/> characters.</param>
    /// <param name="creating">True for a new subscription.</param>
    public static Dictionary<string, string[]> Validate(
        string? url, IReadOnlyList<string>? events, string? secret, string? description, bool creating)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (url is null)
        {
            if (creating)
            {
                errors["url"] = ["The URL is required."];
            }
        }
        else if (ValidateUrl(url) is { } urlError)
        {
            errors["url"] = [urlError];
        }

        if (events is null)
        {
            if (creating)
            {
                errors["events"] = ["At least one event is required: " + string.Join(", ", WebhookEventTypes.All) + "."];
            }
        }
        else if (events.Count == 0)
        {
            errors["events"] = ["At least one event is required: " + string.Join(", ", WebhookEventTypes.All) + "."];
        }
        else if (events.Where(e => !WebhookEventTypes.IsKnown(e)).ToArray() is { Length: > 0 } unknown)
        {
            errors["events"] = [$"Unknown event(s): {string.Join(", ", unknown.Select(e => e ?? "null"))}. Known: {string.Join(", ", WebhookEventTypes.All)}."];
        }

        if (secret is not null && (secret.Length < MinSecretLength || secret.Length > MaxSecretLength || secret.Any(char.IsControl)))
        {
            errors["secret"] = [$"The secret must be {MinSecretLength} to {MaxSecretLength} printable characters (omit it to have one generated)."];
        }

        if (description is not null && description.Length > MaxDescriptionLength)
        {
            errors["description"] = [$"The description must be at most {MaxDescriptionLength} characters."];
        }

        return errors;
    }

    /// <summary>Null when <paramref name="url"/> is an absolute http or https URL without credentials or fragment.</summary>
    public static string? ValidateUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Length > MaxUrlLength)
        {
            return $"The URL must be at most {MaxUrlLength} characters.";
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "The URL must be absolute, with the scheme http or https.";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return "The URL must name a host.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "The URL must not carry credentials: the signature authenticates each delivery.";
        }

        return string.IsNullOrEmpty(uri.Fragment) ? null : "The URL must not have a fragment (#...).";
    }
}
