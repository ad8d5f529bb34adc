using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace OrleansRecorder.Silo.Security;

/// <summary>
/// At start, when no enabled admin exists: creates <c>admin</c> with <c>Recorder:Auth:InitialAdminPassword</c>, or with a
/// generated password written to <c>{DataDirectory}/admin-password</c> (mode 0600 from creation); the log names the file, never the password.
/// </summary>
internal sealed partial class InitialAdmin(
    ISecurityStore store, AuditLog audit, IOptions<SecurityOptions> options, SecurityPaths paths, TimeProvider time, ILogger<InitialAdmin> logger)
    : IHostedService
{
    public const string UserName = "admin";
    public const string PasswordFileName = "admin-password";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var users = await store.ListUsersAsync(cancellationToken);
        if (users.Any(u => u.Role == RecorderRoles.Admin && !u.Disabled))
        {
            return;
        }

        var configured = options.Value.InitialAdminPassword;
        var password = string.IsNullOrWhiteSpace(configured) ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)) : configured;
        var now = time.GetUtcNow();
        var admin = new RecorderUser(UserName, "Administrator", RecorderRoles.Admin, Passwords.Hash(password), [], [], [], false, now, now);
        var created = await store.CreateUserAsync(admin, cancellationToken)
            || (users.FirstOrDefault(u => u.Name == UserName) is { } existing
                && await store.UpdateUserAsync(admin with { Id = existing.Id, CreatedAt = existing.CreatedAt }, cancellationToken));
        if (!created)
        {
            return; // another node created it a moment ago
        }

        await audit.WriteSystemAsync(AuditActions.UserCreate, UserName, "first admin");
        if (string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.Combine(paths.DataDirectory, PasswordFileName);
            await PrivateFiles.WriteSecretAsync(path, password + Environment.NewLine, cancellationToken);
            LogGenerated(logger, UserName, path);
        }
        else
        {
            LogConfigured(logger, UserName);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Never the password itself: logs are shipped and kept where anyone with log access would read it (issue 19).
    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin '{User}' with a generated password, written to {Path} (readable by this user only); change it after signing in.")]
    private static partial void LogGenerated(ILogger logger, string user, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first admin '{User}' with Recorder:Auth:InitialAdminPassword.")]
    private static partial void LogConfigured(ILogger logger, string user);
}

/// <summary>Where the security files live (the node's data directory).</summary>
internal sealed record SecurityPaths(string DataDirectory);
