namespace OrleansRecorder.Silo.Security;

/// <summary>
/// The roles of people and API keys. <c>admin</c>: everything. <c>supervisor</c>: the recordings of the groups it
/// supervises (and its own), legal hold. <c>user</c>: only its own recordings (by number or device).
/// <c>auditor</c>: read-only, the audit log and the cluster's state, no recordings.
/// </summary>
internal static class RecorderRoles
{
    public const string Admin = "admin";
    public const string Supervisor = "supervisor";
    public const string User = "user";
    public const string Auditor = "auditor";

    public static IReadOnlyList<string> All { get; } = [Admin, Supervisor, User, Auditor];

    public static bool IsValid(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}

/// <summary>The authorization policies of the REST API (one per row of the roles matrix in <c>docs</c>).</summary>
internal static class RecorderPolicies
{
    /// <summary>Any signed-in user or valid API key.</summary>
    public const string Authenticated = "recorder.authenticated";

    /// <summary>Recordings (list, get, audio, peaks, notes, tags), active calls: admin, supervisor, user.</summary>
    public const string Recordings = "recorder.recordings";

    /// <summary>Legal hold: admin, supervisor.</summary>
    public const string Preserve = "recorder.preserve";

    /// <summary>Cluster, licence and maintenance state (read-only): admin, auditor.</summary>
    public const string Operations = "recorder.operations";

    /// <summary>The audit log: admin, auditor.</summary>
    public const string Audit = "recorder.audit";

    /// <summary>Users, API keys, settings, deletes, running jobs: admin.</summary>
    public const string Admin = "recorder.admin";
}

/// <summary>Claim types the recorder adds besides name and role.</summary>
internal static class RecorderClaims
{
    /// <summary><c>password</c> (cookie sign-in) or <c>api-key</c>.</summary>
    public const string Kind = "recorder:kind";

    /// <summary>For an API key: the user whose numbers, devices and groups scope the key (user and supervisor keys).</summary>
    public const string ScopeUser = "recorder:scope-user";
}
