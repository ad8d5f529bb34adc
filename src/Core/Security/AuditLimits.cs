namespace OrleansRecorder.Silo.Security;

/// <summary>
/// The longest value each audit column keeps. The audit table is append-only, so whatever a caller can put in a column
/// stays on disk for good: an unauthenticated 28 MiB user name once grew the database by 160 MB in one request.
/// Every field is cut here, where rows are written, whatever the caller did before.
/// </summary>
internal static class AuditLimits
{
    /// <summary>User names and API key names are short; 128 leaves room for <c>api-key:</c> and a long name.</summary>
    public const int User = 128;

    /// <summary>An IPv6 address with a zone index is at most 46 characters.</summary>
    public const int Source = 64;

    public const int Action = 64;

    /// <summary>Recording ids, user names, setting names: 256 is several times the longest we make.</summary>
    public const int Target = 256;

    /// <summary>Search filters and aggregated failure summaries fit; a pasted document does not.</summary>
    public const int Details = 2048;

    /// <summary>The value cut to <paramref name="max"/> characters, ending with "…" when cut (never splitting a surrogate pair).</summary>
    public static string? Truncate(string? value, int max)
    {
        if (value is null || value.Length <= max)
        {
            return value;
        }

        var keep = max - 1;
        if (keep > 0 && char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), "…");
    }

    /// <summary>The entry with every column cut to its limit.</summary>
    public static AuditEntry Apply(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry with
        {
            User = Truncate(entry.User, User),
            Source = Truncate(entry.Source, Source),
            Action = Truncate(entry.Action, Action)!,
            Target = Truncate(entry.Target, Target),
            Details = Truncate(entry.Details, Details),
        };
    }
}
