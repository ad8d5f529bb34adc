using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansRecorder.Silo.Web;

namespace OrleansRecorder.Silo.Security;

/// <summary>
/// The <c>X-Api-Key</c> scheme: the configured admin key (role admin) or a stored automation key. A stored key acts
/// for its owner (by user id): refused when the owner is gone or disabled, and never above the owner's current role.
/// No header: no result (the cookie scheme decides). A wrong or dead key: failure, audited.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore adminKey,
    ISecurityStore store,
    AuditLog audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrEmpty(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        var supplied = values.ToString();
        if (adminKey.Matches(supplied))
        {
            return Success(Principal("api-key:admin", RecorderRoles.Admin, owner: null));
        }

        var key = await store.FindApiKeyAsync(ApiKeys.Hash(supplied), Context.RequestAborted);
        if (key is null)
        {
            await audit.FailureAsync(Context, AuditActions.ApiKeyRejected, account: null, reason: "unknown API key");
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var owner = key.OwnerId is null ? null : await store.GetUserByIdAsync(key.OwnerId, Context.RequestAborted);
        var reason = owner is null ? "the key's owner no longer exists"
            : owner.Disabled ? "the key's owner is disabled"
            : RecorderRoles.Effective(key.Role, owner.Role) is null ? $"the owner's role ({owner.Role}) no longer allows a {key.Role} key"
            : null;
        if (reason is not null)
        {
            await audit.FailureAsync(Context, AuditActions.ApiKeyRejected, account: key.Owner, reason: $"key {key.Id}: {reason}");
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        return Success(Principal("api-key:" + key.Name, RecorderRoles.Effective(key.Role, owner!.Role)!, owner.Id));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        SecurityProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            $"Sign in (POST /api/auth/login) or send a valid API key in the {HeaderName} header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        SecurityProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "This API key's role may not do this.");

    private static ClaimsPrincipal Principal(string name, string role, string? owner)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(ClaimTypes.Role, role),
            new(RecorderClaims.Kind, "api-key"),
        };
        if (owner is not null)
        {
            claims.Add(new Claim(RecorderClaims.ScopeUser, owner));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    private AuthenticateResult Success(ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
}
