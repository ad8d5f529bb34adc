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

    /// <summary>
    /// Whether <paramref name="holder"/> may do everything <paramref name="role"/> may: itself, admin anything,
    /// supervisor a user's work (its own recordings are within a supervisor's). Auditor and the recording roles are
    /// apart: neither covers the other.
    /// </summary>
    public static bool Covers(string holder, string role) =>
        holder == role || holder == Admin || (holder == Supervisor && role == User);

    /// <summary>
    /// The role a key of <paramref name="keyRole"/> acts with for an owner now in <paramref name="ownerRole"/>: the key's
    /// when the owner covers it, the owner's when the key covers that (an owner demoted takes its keys down with it),
    /// else none (the key is refused).
    /// </summary>
    public static string? Effective(string keyRole, string ownerRole) =>
        Covers(ownerRole, keyRole) ? keyRole : Covers(keyRole, ownerRole) ? ownerRole : null;
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

    /// <summary>For an API key: the id of the user whose numbers, devices and groups scope the key (its owner).</summary>
    public const string ScopeUser = "recorder:scope-user";

    /// <summary>For a cookie: the signed-in user's id (<see cref="RecorderUser.Id"/>).</summary>
    public const string UserId = "recorder:uid";

    /// <summary>For a cookie: the user's security stamp when it signed in.</summary>
    public const string SecurityStamp = "recorder:stamp";
}
