namespace OrleansRecorder.Silo.Security;

/// <summary>
/// Users, API keys, the audit log and recording annotations in the cluster database (tables in
/// <c>infra/sql/{sqlite,postgres}/migrations/</c>, created with the catalog).
/// </summary>
internal interface ISecurityStore
{
    Task<RecorderUser?> GetUserAsync(string name, CancellationToken ct);

    /// <summary>The user with this id (<see cref="RecorderUser.Id"/>), whatever its name.</summary>
    Task<RecorderUser?> GetUserByIdAsync(string id, CancellationToken ct);

    /// <summary>Replaces a user's security stamp (ends its sessions); false when there is no such user.</summary>
    Task<bool> SetSecurityStampAsync(string id, string stamp, CancellationToken ct);

    Task<IReadOnlyList<RecorderUser>> ListUsersAsync(CancellationToken ct);

    /// <summary>Adds a user; false when the name is taken.</summary>
    Task<bool> CreateUserAsync(RecorderUser user, CancellationToken ct);

    /// <summary>Replaces a user's fields (its stamp too); false when there is no such user, or its name now belongs to another id.</summary>
    Task<bool> UpdateUserAsync(RecorderUser user, CancellationToken ct);

    /// <summary>Deletes a user and the API keys it owns.</summary>
    Task<bool> DeleteUserAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct);

    Task AddApiKeyAsync(ApiKeyRecord key, CancellationToken ct);

    Task<ApiKeyRecord?> FindApiKeyAsync(string keyHash, CancellationToken ct);

    Task<bool> DeleteApiKeyAsync(string id, CancellationToken ct);

    Task AppendAuditAsync(AuditEntry entry, CancellationToken ct);

    /// <summary>Matching rows newest first, and how many match in all.</summary>
    Task<(IReadOnlyList<AuditEntry> Items, long Total)> QueryAuditAsync(AuditQuery query, CancellationToken ct);

    /// <summary>
    /// The rows matching <paramref name="query"/>'s filters (its page is ignored), newest first, at most
    /// <paramref name="limit"/>: read from one query as they are enumerated, never held all at once (the CSV export).
    /// </summary>
    IAsyncEnumerable<AuditEntry> StreamAuditAsync(AuditQuery query, int limit, CancellationToken ct);

    Task<IReadOnlyList<RecordingNote>> ListNotesAsync(string recordingId, CancellationToken ct);

    Task<RecordingNote> AddNoteAsync(string recordingId, string user, string text, DateTimeOffset at, CancellationToken ct);

    Task<IReadOnlyList<string>> GetTagsAsync(string recordingId, CancellationToken ct);

    Task SetTagsAsync(string recordingId, IReadOnlyList<string> tags, CancellationToken ct);

    /// <summary>The catalog's legal-hold flag, or null when the recording is not in the catalog.</summary>
    Task<bool?> GetPreservedAsync(string recordingId, CancellationToken ct);
}
