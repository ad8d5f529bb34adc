using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>A catalog search: every filter is optional; <paramref name="Page"/> is 1-based.</summary>
/// <param name="From">Started at or after (inclusive).</param>
/// <param name="To">Started before (exclusive).</param>
/// <param name="Number">Exact near-end or far-end number.</param>
/// <param name="Device">Exact near-end or far-end device name.</param>
/// <param name="Status">Only recordings with this status.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Items per page (1 to <see cref="MaxPageSize"/>).</param>
internal sealed record RecordingQuery(
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Number,
    string? Device,
    RecordingStatus? Status,
    int Page = 1,
    int PageSize = 50)
{
    public const int MaxPageSize = 1000;

    /// <summary>
    /// Only recordings with this flag, either exactly or as a leg's (<c>wrong-source</c> finds <c>near-end-wrong-source</c>
    /// and <c>far-end-wrong-source</c>); <see cref="IsValidFlag"/> holds for it. A scan of the manifests: no index.
    /// </summary>
    public string? Flag { get; init; }

    /// <summary>
    /// Only SIPREC sessions with a participant whose number, name or AOR contains this (case-insensitive): every
    /// participant, not only the two the number and device columns hold. A scan of the manifests: no index.
    /// </summary>
    public string? Participant { get; init; }

    /// <summary>The longest <see cref="Participant"/> searched for.</summary>
    public const int MaxParticipantLength = 128;

    /// <summary>Lower-case letters, digits and hyphens, as every flag is.</summary>
    public static bool IsValidFlag(string flag) =>
        flag is { Length: > 0 and <= 64 } && flag.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    /// <summary>Only recordings this caller may see (a near-end or far-end number or device in the scope); null: all.</summary>
    public RecordingScope? Scope { get; init; }

    /// <summary>Sort column; ties are broken by id.</summary>
    public RecordingSort Sort { get; init; } = RecordingSort.StartedAt;

    /// <summary>Oldest / smallest first when true; newest first (the default) otherwise.</summary>
    public bool Ascending { get; init; }

    /// <summary>One item per call (<see cref="RecordingGroups"/>): the group's earliest matching part; the total counts groups.</summary>
    public bool GroupByCall { get; init; }
}

/// <summary>
/// What a restricted caller may see: recordings where either party's number is in <paramref name="Numbers"/> or
/// either party's device is in <paramref name="Devices"/>. Both empty: nothing.
/// </summary>
internal sealed record RecordingScope(IReadOnlyList<string> Numbers, IReadOnlyList<string> Devices)
{
    public static RecordingScope Nothing { get; } = new([], []);

    /// <summary>Whether a recording with these parties is inside the scope (the same rule as the SQL filter).</summary>
    public bool Allows(string? nearNumber, string? nearDevice, string? farNumber, string? farDevice) =>
        (nearNumber is not null && Numbers.Contains(nearNumber, StringComparer.Ordinal))
        || (farNumber is not null && Numbers.Contains(farNumber, StringComparer.Ordinal))
        || (nearDevice is not null && Devices.Contains(nearDevice, StringComparer.Ordinal))
        || (farDevice is not null && Devices.Contains(farDevice, StringComparer.Ordinal));
}

/// <summary>Sort columns of a recording search.</summary>
internal enum RecordingSort
{
    StartedAt,
    Duration,
    NearNumber,
    FarNumber,
    Size,
}

/// <summary>The SQL of <see cref="DbRecordingCatalog"/> for <see cref="RecordingQuery.Scope"/> and <see cref="RecordingQuery.Sort"/>.</summary>
internal static class RecordingQuerySql
{
    /// <summary>
    /// Appends the scope filter (parameters <c>{prefix}sn0..</c> for numbers and <c>{prefix}sd0..</c> for devices)
    /// and returns the parameters to bind, by name without prefix.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> AppendScope(System.Text.StringBuilder where, RecordingScope? scope, string prefix)
    {
        ArgumentNullException.ThrowIfNull(where);
        if (scope is null)
        {
            return [];
        }

        var parameters = new List<(string, string)>();
        var numbers = scope.Numbers.Distinct(StringComparer.Ordinal).Select((n, i) => (Name: "sn" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Value: n)).ToList();
        var devices = scope.Devices.Distinct(StringComparer.Ordinal).Select((d, i) => (Name: "sd" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Value: d)).ToList();
        if (numbers.Count == 0 && devices.Count == 0)
        {
            where.Append(" AND 1 = 0");
            return [];
        }

        var clauses = new List<string>();
        if (numbers.Count > 0)
        {
            var list = string.Join(", ", numbers.Select(n => prefix + n.Name));
            clauses.Add($"near_number IN ({list}) OR far_number IN ({list})");
            parameters.AddRange(numbers);
        }

        if (devices.Count > 0)
        {
            var list = string.Join(", ", devices.Select(d => prefix + d.Name));
            clauses.Add($"near_device IN ({list}) OR far_device IN ({list})");
            parameters.AddRange(devices);
        }

        where.Append(" AND (").Append(string.Join(" OR ", clauses)).Append(')');
        return parameters;
    }

    /// <summary>Appends the <see cref="RecordingQuery.Flag"/> filter over the manifest's <c>flags</c> array (parameter <c>{prefix}flag</c>).</summary>
    /// <summary>
    /// Appends the <see cref="RecordingQuery.Participant"/> filter (parameter <c>{prefix}participant</c>, the value of
    /// <see cref="ParticipantPattern"/>) when the query has one.
    /// </summary>
    public static void AppendParticipant(System.Text.StringBuilder where, RecordingQuery query, CatalogDialect dialect, string prefix)
    {
        ArgumentNullException.ThrowIfNull(where);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(dialect);
        if (query.Participant is null)
        {
            return;
        }

        var like = $" LIKE {prefix}participant ESCAPE '\\'";
        where.Append(" AND EXISTS (SELECT 1 FROM ").Append(dialect.JsonObjectElements("manifest", "siprec", "participants")).Append(" WHERE ")
            .Append(string.Join(" OR ", new[] { "number", "name", "aor" }.Select(p => $"lower({dialect.JsonText("value", p)}){like}"))).Append(')');
    }

    /// <summary>The LIKE pattern of a participant search: lower case, its own <c>%</c>, <c>_</c> and <c>\</c> taken literally.</summary>
    public static string ParticipantPattern(string participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        var escaped = participant.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        return "%" + escaped + "%";
    }

    public static void AppendFlag(System.Text.StringBuilder where, RecordingQuery query, CatalogDialect dialect, string prefix)
    {
        ArgumentNullException.ThrowIfNull(where);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(dialect);
        if (query.Flag is not { } flag)
        {
            return;
        }

        if (!RecordingQuery.IsValidFlag(flag))
        {
            throw new ArgumentException($"'{flag}' is not a flag (a-z, 0-9, -).", nameof(query));
        }

        where.Append(" AND EXISTS (SELECT 1 FROM ").Append(dialect.JsonArrayElements("manifest", "flags"))
            .Append(" WHERE value IN (").Append(prefix).Append("flag, 'near-end-' || ").Append(prefix).Append("flag, 'far-end-' || ")
            .Append(prefix).Append("flag))");
    }

    /// <summary>
    /// The page's SELECT of <paramref name="columns"/> (a <c>SELECT ... FROM Recordings</c>) with its filter and order;
    /// grouped by call, only each group's earliest matching part (window function, SQLite 3.25+ and PostgreSQL).
    /// </summary>
    public static string Select(string columns, string where, RecordingQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.GroupByCall)
        {
            return columns + where + OrderBy(query);
        }

        var selected = columns.Replace(" FROM Recordings", string.Empty, StringComparison.Ordinal);
        return selected + " FROM (SELECT Recordings.*, ROW_NUMBER() OVER (PARTITION BY group_id ORDER BY started_at, id) AS group_row FROM Recordings"
            + where + ") AS grouped WHERE group_row = 1" + OrderBy(query);
    }

    /// <summary>The COUNT of a search: matching recordings, or matching groups when grouped by call.</summary>
    public static string Count(string where, RecordingQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return (query.GroupByCall ? "SELECT COUNT(DISTINCT group_id) FROM Recordings" : "SELECT COUNT(*) FROM Recordings") + where;
    }

    /// <summary>The ORDER BY clause (whitelisted columns only).</summary>
    public static string OrderBy(RecordingQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var direction = query.Ascending ? "ASC" : "DESC";
        var column = query.Sort switch
        {
            RecordingSort.Duration => "(ended_at - started_at)",
            RecordingSort.NearNumber => "near_number",
            RecordingSort.FarNumber => "far_number",
            RecordingSort.Size => "size_bytes",
            _ => "started_at",
        };
        return $" ORDER BY {column} {direction}, id {direction}";
    }
}
