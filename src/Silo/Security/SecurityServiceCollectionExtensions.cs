using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace OrleansRecorder.Silo.Security;

/// <summary>
/// Wiring of users, roles, API keys and the audit log: cookie sign-in and <c>X-Api-Key</c> as two authentication
/// schemes behind one policy scheme (the header decides), authorization policies per role set, the first admin.
/// </summary>
internal static class SecurityServiceCollectionExtensions
{
    public const string Scheme = "Recorder";
    public const string CookieName = "recorder.auth";

    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Binds <see cref="SecurityOptions"/> from <c>Recorder:Auth</c>.</param>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The cluster database (the catalog's).</param>
    /// <param name="dataDirectory">Where a generated first-admin password is written.</param>
    /// <param name="auditSigner">Signs and chains the audit entries (docs/TAMPER_EVIDENCE.md); null writes them plain.</param>
    public static IServiceCollection AddRecorderSecurity(
        this IServiceCollection services, IConfiguration configuration, string provider, string connectionString, string dataDirectory,
        Integrity.NodeSigningKey? auditSigner = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(provider);
        services.Configure<SecurityOptions>(configuration.GetSection(SecurityOptions.SectionName));
        var sessionTimeout = configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>()?.SessionTimeout ?? TimeSpan.FromHours(8);
        services.AddSingleton<ISecurityStore>(provider.ToLowerInvariant() switch
        {
            "postgres" => new PostgresSecurityStore(connectionString) { AuditSigner = auditSigner },
            _ => new SqliteSecurityStore(connectionString) { AuditSigner = auditSigner },
        });
        services.AddSingleton(new SecurityPaths(dataDirectory));
        services.AddSingleton<AuditLog>();
        services.AddSingleton(sp => new AuthFailureAudit(
            sp.GetRequiredService<ISecurityStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuthFailureAudit>>()));
        services.AddSingleton(sp => new SignInThrottle(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RecordingAccess>();
        services.AddHostedService<InitialAdmin>();

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or X-Api-Key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = sessionTimeout;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => SecurityProblems.WriteAsync(
                    context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized",
                    "Sign in (POST /api/auth/login) or send an API key in the X-Api-Key header.");
                o.Events.OnRedirectToAccessDenied = context => SecurityProblems.WriteAsync(
                    context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "Your role may not do this.");
                o.Events.OnValidatePrincipal = ValidateAsync;
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(RecorderPolicies.Authenticated, p => p.RequireAuthenticatedUser())
            .AddPolicy(RecorderPolicies.Recordings, p => p.RequireRole(RecorderRoles.Admin, RecorderRoles.Supervisor, RecorderRoles.User))
            .AddPolicy(RecorderPolicies.Preserve, p => p.RequireRole(RecorderRoles.Admin, RecorderRoles.Supervisor))
            .AddPolicy(RecorderPolicies.Operations, p => p.RequireRole(RecorderRoles.Admin, RecorderRoles.Auditor))
            .AddPolicy(RecorderPolicies.Audit, p => p.RequireRole(RecorderRoles.Admin, RecorderRoles.Auditor))
            .AddPolicy(RecorderPolicies.Admin, p => p.RequireRole(RecorderRoles.Admin));
        return services;
    }

    /// <summary>The principal of a password sign-in.</summary>
    public static ClaimsPrincipal PrincipalFor(RecorderUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, user.Name),
                new Claim(ClaimTypes.Role, user.Role),
                new Claim(RecorderClaims.Kind, "password"),
                new Claim(RecorderClaims.UserId, user.Id),
                new Claim(RecorderClaims.SecurityStamp, user.SecurityStamp),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>
    /// Every request re-reads the user from the store (no cache, so nothing lingers on any node): the cookie must name
    /// the same user id (not a deleted user's name taken again) and carry its current security stamp, which sign-out,
    /// a password change, a role change and disabling replace. A cookie from before any of them is refused.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var id = principal?.FindFirst(RecorderClaims.UserId)?.Value;
        var stamp = principal?.FindFirst(RecorderClaims.SecurityStamp)?.Value;
        var store = context.HttpContext.RequestServices.GetRequiredService<ISecurityStore>();
        var user = id is null ? null : await store.GetUserByIdAsync(id, context.HttpContext.RequestAborted);
        if (user is null || user.Disabled || stamp is null
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(stamp), System.Text.Encoding.UTF8.GetBytes(user.SecurityStamp)))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
