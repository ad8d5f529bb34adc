namespace OrleansRecorder.Silo.Security;

/// <summary>
/// A person who signs in to the page or the API. <paramref name="Numbers"/> and <paramref name="Devices"/> are the
/// DNs and device names whose recordings are theirs; <paramref name="Groups"/> are the groups a <c>user</c> belongs
/// to, or the groups a <c>supervisor</c> supervises.
/// </summary>
internal sealed record RecorderUser(
    string Name,
    string? DisplayName,
    string Role,
    string PasswordHash,
    IReadOnlyList<string> Numbers,
    IReadOnlyList<string> Devices,
    IReadOnlyList<string> Groups,
    bool Disabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Never reused: a new user of a deleted user's name is another user (its keys and sessions are not theirs).</summary>
    public string Id { get; init; } = SecurityStamps.New();

    /// <summary>Carried by every session cookie; a new one (sign-out, password, role, disable) ends every session made before.</summary>
    public string SecurityStamp { get; init; } = SecurityStamps.New();
}

/// <summary>
/// An automation key: only its SHA-256 is stored. It belongs to the user <paramref name="OwnerId"/> (whose name was
/// <paramref name="Owner"/> when it was made): it dies with that user and never acts above that user's current role.
/// </summary>
internal sealed record ApiKeyRecord(string Id, string Name, string Role, string? Owner, string KeyHash, DateTimeOffset CreatedAt, string? OwnerId = null);

/// <summary>One audit log row (append-only).</summary>
internal sealed record AuditEntry(long Seq, DateTimeOffset At, string? User, string? Source, string Action, string? Target, string? Details);

/// <summary>An audit search; every filter optional, newest first, 1-based page.</summary>
internal sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, string? User, string? Action, int Page = 1, int PageSize = 100);

/// <summary>A note on a recording.</summary>
internal sealed record RecordingNote(long Id, string RecordingId, DateTimeOffset At, string User, string Text);

/// <summary>The audit actions (the <c>action</c> column).</summary>
internal static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string SignOut = "sign-out";
    public const string ApiKeyRejected = "api-key-rejected";
    public const string SignInThrottled = "sign-in-throttled";
    public const string Search = "search";
    public const string Play = "play";
    public const string Download = "download";
    public const string Delete = "delete";
    public const string Preserve = "preserve";
    public const string Note = "note";
    public const string Tags = "tags";
    public const string Setting = "setting";
    public const string MaintenanceRun = "maintenance-run";
    public const string UserCreate = "user-create";
    public const string UserUpdate = "user-update";
    public const string UserDelete = "user-delete";
    public const string ApiKeyCreate = "api-key-create";
    public const string ApiKeyDelete = "api-key-delete";
}
