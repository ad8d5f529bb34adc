using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/auth</c>: cookie sign-in and sign-out, and who the caller is.</summary>
internal static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/auth").WithTags("Auth");
        group.MapPost("/login", LoginAsync).WithName("Login").AllowAnonymous();
        group.MapPost("/logout", LogoutAsync).WithName("Logout").AllowAnonymous();
        group.MapGet("/me", MeAsync).WithName("Me");
        return api;
    }

    private static async Task<Results<Ok<MeDto>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginDto? body, HttpContext http, ISecurityStore store, AuditLog audit, SignInThrottle throttle, CancellationToken cancellationToken)
    {
        if (body is null || string.IsNullOrWhiteSpace(body.Username) || string.IsNullOrEmpty(body.Password))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["username"] = ["Send a username and a password."] }, title: "Invalid sign-in");
        }

        var name = body.Username.Trim();
        var source = AuditLog.Source(http);
        // Before the store and the hash: a locked account or source costs us nothing, whatever the password.
        if (!throttle.TryBegin(name, source, out var retryAfter))
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            await audit.FailureAsync(http, AuditActions.SignInThrottled, name, "throttled");
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
                detail: $"Too many failed sign-ins for this account or from this address. Try again in {seconds} s.");
        }

        var user = await store.GetUserAsync(name, cancellationToken);
        // Always hash once, so a missing user answers as slowly as a wrong password.
        var valid = Passwords.Verify(user?.PasswordHash ?? DummyHash, body.Password) && user is { Disabled: false };
        if (!valid)
        {
            // TryBegin already counted this attempt as a failure.
            await audit.FailureAsync(http, AuditActions.SignInFailed, name, user is null ? "unknown user" : user.Disabled ? "disabled" : "wrong password");
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "Wrong user name or password.");
        }

        throttle.Succeeded(name, source);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SecurityServiceCollectionExtensions.PrincipalFor(user!),
            new AuthenticationProperties { IsPersistent = false });
        await audit.WriteAsync(http, AuditActions.SignIn, target: name, details: null, user: name);
        return TypedResults.Ok(MeDto.From(user!, "password"));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext http, AuditLog audit, ISecurityStore store, CancellationToken cancellationToken)
    {
        var result = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (result.Succeeded && result.Principal.Identity?.Name is { } name)
        {
            // A new stamp: this cookie, and any copy of it kept elsewhere, is refused from now on (issue 19, finding 3).
            if (result.Principal.FindFirstValue(RecorderClaims.UserId) is { } id)
            {
                await store.SetSecurityStampAsync(id, SecurityStamps.New(), cancellationToken);
            }

            await audit.WriteAsync(http, AuditActions.SignOut, target: name, details: null, user: name);
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MeDto>> MeAsync(ClaimsPrincipal principal, ISecurityStore store, CancellationToken cancellationToken)
    {
        var name = principal.Identity?.Name ?? "";
        var role = principal.FindFirstValue(ClaimTypes.Role) ?? "";
        var kind = principal.FindFirstValue(RecorderClaims.Kind) ?? "";
        if (kind == "password" && await store.GetUserAsync(name, cancellationToken) is { } user)
        {
            return TypedResults.Ok(MeDto.From(user, kind));
        }

        return TypedResults.Ok(new MeDto(name, null, role, kind, [], [], []));
    }

    private static readonly string DummyHash = Passwords.Hash(Guid.NewGuid().ToString());
}

/// <summary>The sign-in form.</summary>
internal sealed record LoginDto(string? Username, string? Password);

/// <summary>The caller: name, role, and for a user its numbers, devices and groups.</summary>
internal sealed record MeDto(
    string Name, string? DisplayName, string Role, string Kind, IReadOnlyList<string> Numbers, IReadOnlyList<string> Devices, IReadOnlyList<string> Groups)
{
    public static MeDto From(RecorderUser user, string kind) =>
        new(user.Name, user.DisplayName, user.Role, kind, user.Numbers, user.Devices, user.Groups);
}
