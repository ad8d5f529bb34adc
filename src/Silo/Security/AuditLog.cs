using System.Security.Claims;

namespace OrleansRecorder.Silo.Security;

/// <summary>
/// Writes audit rows: the time, the caller (user name or API key name), its address, the action and details. Every
/// field is cut to <see cref="AuditLimits"/>; failed authentication goes through <see cref="AuthFailureAudit"/>.
/// </summary>
internal sealed class AuditLog(ISecurityStore store, TimeProvider time, AuthFailureAudit failures)
{
    public Task WriteAsync(HttpContext context, string action, string? target, string? details, string? user = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return store.AppendAuditAsync(
            AuditLimits.Apply(new AuditEntry(0, time.GetUtcNow(), user ?? context.User.Identity?.Name, Source(context), action, target, details)),
            CancellationToken.None);
    }

    /// <summary>A failed or refused authentication: aggregated per source and action, since anyone can cause one.</summary>
    public Task FailureAsync(HttpContext context, string action, string? account, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        return failures.RecordAsync(action, Source(context), account, reason);
    }

    /// <summary>For work done without a request (the first admin created at start).</summary>
    public Task WriteSystemAsync(string action, string? target, string? details) =>
        store.AppendAuditAsync(new AuditEntry(0, time.GetUtcNow(), "system", null, action, target, details), CancellationToken.None);

    internal static string? Source(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}

/// <summary>What the caller may see: everything (admin), or the numbers and devices of a scope.</summary>
internal sealed class RecordingAccess(ISecurityStore store)
{
    /// <summary>Null: every recording. Otherwise the caller's scope (possibly empty).</summary>
    public async Task<Catalog.RecordingScope?> ScopeAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.IsInRole(RecorderRoles.Admin))
        {
            return null;
        }

        var isSupervisor = principal.IsInRole(RecorderRoles.Supervisor);
        if (!isSupervisor && !principal.IsInRole(RecorderRoles.User))
        {
            return Catalog.RecordingScope.Nothing;
        }

        var id = principal.FindFirstValue(RecorderClaims.ScopeUser)
            ?? (principal.FindFirstValue(RecorderClaims.Kind) == "password" ? principal.FindFirstValue(RecorderClaims.UserId) : null);
        if (id is null || await store.GetUserByIdAsync(id, ct) is not { Disabled: false } user)
        {
            return Catalog.RecordingScope.Nothing;
        }

        var numbers = new HashSet<string>(user.Numbers, StringComparer.Ordinal);
        var devices = new HashSet<string>(user.Devices, StringComparer.Ordinal);
        if (isSupervisor && user.Groups.Count > 0)
        {
            // The people of the groups it supervises: their numbers and devices.
            foreach (var member in await store.ListUsersAsync(ct))
            {
                if (member.Groups.Any(g => user.Groups.Contains(g, StringComparer.Ordinal)))
                {
                    numbers.UnionWith(member.Numbers);
                    devices.UnionWith(member.Devices);
                }
            }
        }

        return new Catalog.RecordingScope([.. numbers.Order(StringComparer.Ordinal)], [.. devices.Order(StringComparer.Ordinal)]);
    }
}
