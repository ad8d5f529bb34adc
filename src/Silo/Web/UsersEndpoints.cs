using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/users</c> and <c>/api/keys</c>: people who sign in and automation keys (admin only).</summary>
internal static partial class UsersEndpoints
{
    private const int MaxListItems = 200;
    private const int MaxDisplayName = 100;

    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(RecorderPolicies.Admin);
        users.MapGet("/", ListAsync).WithName("ListUsers");
        users.MapGet("/{name}", GetAsync).WithName("GetUser");
        users.MapPost("/", CreateAsync).WithName("CreateUser");
        users.MapPut("/{name}", UpdateAsync).WithName("UpdateUser");
        users.MapDelete("/{name}", DeleteAsync).WithName("DeleteUser");

        var keys = api.MapGroup("/keys").WithTags("Users").RequireAuthorization(RecorderPolicies.Admin);
        keys.MapGet("/", ListKeysAsync).WithName("ListApiKeys");
        keys.MapPost("/", CreateKeyAsync).WithName("CreateApiKey");
        keys.MapDelete("/{id}", DeleteKeyAsync).WithName("DeleteApiKey");
        return api;
    }

    private static async Task<Ok<UserDto[]>> ListAsync(ISecurityStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListUsersAsync(cancellationToken)).Select(UserDto.From).ToArray());

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(string name, ISecurityStore store, CancellationToken cancellationToken) =>
        await store.GetUserAsync(name, cancellationToken) is { } user ? TypedResults.Ok(UserDto.From(user)) : UserNotFound(name);

    private static async Task<Results<Created<UserDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        UserInputDto? body, HttpContext http, ISecurityStore store, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = Validate(body, creating: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid user");
        }

        var now = time.GetUtcNow();
        var user = new RecorderUser(body!.Name!.Trim(), Blank(body.DisplayName), body.Role!, Passwords.Hash(body.Password!),
            Clean(body.Numbers), Clean(body.Devices), Clean(body.Groups), body.Disabled ?? false, now, now);
        if (!await store.CreateUserAsync(user, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "User exists", detail: $"There is already a user '{user.Name}'.");
        }

        await audit.WriteAsync(http, AuditActions.UserCreate, user.Name, Describe(user));
        return TypedResults.Created($"/api/users/{Uri.EscapeDataString(user.Name)}", UserDto.From(user));
    }

    private static async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name, UserInputDto? body, HttpContext http, ISecurityStore store, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = Validate(body, creating: false);
        if (body?.Name is { } renamed && !string.Equals(renamed.Trim(), name, StringComparison.Ordinal))
        {
            errors["name"] = ["A user cannot be renamed: create a new one."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid user");
        }

        if (await store.GetUserAsync(name, cancellationToken) is not { } existing)
        {
            return UserNotFound(name);
        }

        var updated = existing with
        {
            DisplayName = body!.DisplayName is null ? existing.DisplayName : Blank(body.DisplayName),
            Role = body.Role ?? existing.Role,
            PasswordHash = body.Password is null ? existing.PasswordHash : Passwords.Hash(body.Password),
            Numbers = body.Numbers is null ? existing.Numbers : Clean(body.Numbers),
            Devices = body.Devices is null ? existing.Devices : Clean(body.Devices),
            Groups = body.Groups is null ? existing.Groups : Clean(body.Groups),
            Disabled = body.Disabled ?? existing.Disabled,
            UpdatedAt = time.GetUtcNow(),
        };
        if (body.Password is not null || updated.Role != existing.Role || (updated.Disabled && !existing.Disabled))
        {
            // Sessions made before a password change, a role change or disabling end now (issue 19, finding 3).
            updated = updated with { SecurityStamp = SecurityStamps.New() };
        }

        if (existing.Role == RecorderRoles.Admin && (updated.Role != RecorderRoles.Admin || updated.Disabled)
            && await IsLastAdminAsync(store, name, cancellationToken))
        {
            return LastAdmin();
        }

        if (!await store.UpdateUserAsync(updated, cancellationToken))
        {
            return UserNotFound(name); // deleted (or deleted and made again) since it was read
        }

        await audit.WriteAsync(http, AuditActions.UserUpdate, name, Describe(updated) + (body.Password is null ? "" : "; password changed"));
        return TypedResults.Ok(UserDto.From(updated));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, HttpContext http, ISecurityStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        if (await store.GetUserAsync(name, cancellationToken) is not { } existing)
        {
            return UserNotFound(name);
        }

        if (existing.Role == RecorderRoles.Admin && await IsLastAdminAsync(store, name, cancellationToken))
        {
            return LastAdmin();
        }

        await store.DeleteUserAsync(name, cancellationToken);
        await audit.WriteAsync(http, AuditActions.UserDelete, name, null);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ApiKeyDto[]>> ListKeysAsync(ISecurityStore store, CancellationToken cancellationToken)
    {
        var owners = (await store.ListUsersAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.Name, StringComparer.Ordinal);
        return TypedResults.Ok((await store.ListApiKeysAsync(cancellationToken))
            .Select(k => ApiKeyDto.From(k, null) with { Owner = k.OwnerId is not null && owners.TryGetValue(k.OwnerId, out var owner) ? owner : null })
            .ToArray());
    }

    private static async Task<Results<Created<ApiKeyDto>, ValidationProblem>> CreateKeyAsync(
        ApiKeyInputDto? body, HttpContext http, ISecurityStore store, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(body?.Name) || body.Name.Trim().Length > 100)
        {
            errors["name"] = ["A name of 1 to 100 characters is required."];
        }

        // Every key belongs to a user: the one named, else the admin creating it (the configured admin key is no user).
        var ownerName = Blank(body?.Owner)
            ?? (http.User.FindFirst(RecorderClaims.Kind)?.Value == "password" ? http.User.Identity?.Name : null);
        var owner = ownerName is null ? null : await store.GetUserAsync(ownerName, cancellationToken);
        if (owner is not { Disabled: false })
        {
            errors["owner"] = ["A key needs an existing, enabled owner: the user it acts for (whose numbers, devices and groups it sees)."];
        }

        if (!RecorderRoles.IsValid(body?.Role))
        {
            errors["role"] = [$"role must be one of {string.Join(", ", RecorderRoles.All)}."];
        }
        else if (owner is not null && !RecorderRoles.Covers(owner.Role, body!.Role!))
        {
            errors["role"] = [$"A key cannot hold a role above its owner's: '{owner.Name}' is {owner.Role}, which does not cover {body.Role}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid API key");
        }

        var key = ApiKeys.NewKey();
        var record = new ApiKeyRecord(Guid.NewGuid().ToString("N")[..12], body!.Name!.Trim(), body.Role!, owner!.Name, ApiKeys.Hash(key), time.GetUtcNow(), owner.Id);
        await store.AddApiKeyAsync(record, cancellationToken);
        await audit.WriteAsync(http, AuditActions.ApiKeyCreate, record.Id, $"name={record.Name}; role={record.Role}; owner={record.Owner}");
        return TypedResults.Created($"/api/keys/{record.Id}", ApiKeyDto.From(record, key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteKeyAsync(
        string id, HttpContext http, ISecurityStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await store.DeleteApiKeyAsync(id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "API key not found", detail: $"No API key with id '{id}'.");
        }

        await audit.WriteAsync(http, AuditActions.ApiKeyDelete, id, null);
        return TypedResults.NoContent();
    }

    private static Dictionary<string, string[]> Validate(UserInputDto? body, bool creating)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body is null)
        {
            errors["body"] = ["Send the user as JSON."];
            return errors;
        }

        if (creating && (body.Name is null || !UserName().IsMatch(body.Name.Trim())))
        {
            errors["name"] = ["name is required: 1 to 64 letters, digits, '.', '_', '-' or '@'."];
        }

        if (body.DisplayName is { } displayName && displayName.Trim().Length > MaxDisplayName)
        {
            errors["displayName"] = [$"displayName holds at most {MaxDisplayName} characters."];
        }

        if ((creating || body.Role is not null) && !RecorderRoles.IsValid(body.Role))
        {
            errors["role"] = [$"role must be one of {string.Join(", ", RecorderRoles.All)}."];
        }

        if ((creating || body.Password is not null) && Passwords.Problem(body.Password) is { } problem)
        {
            errors["password"] = [problem];
        }

        foreach (var (field, list) in new[] { ("numbers", body.Numbers), ("devices", body.Devices), ("groups", body.Groups) })
        {
            if (list is not null && (list.Count > MaxListItems || list.Any(v => string.IsNullOrWhiteSpace(v) || v.Trim().Length > 128)))
            {
                errors[field] = [$"{field} holds at most {MaxListItems} non-empty values of up to 128 characters."];
            }
        }

        return errors;
    }

    private static async Task<bool> IsLastAdminAsync(ISecurityStore store, string name, CancellationToken ct) =>
        !(await store.ListUsersAsync(ct)).Any(u => u.Role == RecorderRoles.Admin && !u.Disabled && u.Name != name);

    private static ProblemHttpResult LastAdmin() => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
        title: "Last admin", detail: "This is the last enabled admin: create another admin first.");

    private static ProblemHttpResult UserNotFound(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "User not found", detail: $"No user '{name}'.");

    private static string Describe(RecorderUser user) =>
        $"role={user.Role}; numbers={string.Join(',', user.Numbers)}; devices={string.Join(',', user.Devices)}; groups={string.Join(',', user.Groups)}; disabled={user.Disabled}";

    private static IReadOnlyList<string> Clean(IReadOnlyList<string>? values) =>
        values is null ? [] : [.. values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)];

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex UserName();
}

/// <summary>A user as the API shows it (never the password hash).</summary>
internal sealed record UserDto(
    string Name, string? DisplayName, string Role, IReadOnlyList<string> Numbers, IReadOnlyList<string> Devices,
    IReadOnlyList<string> Groups, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserDto From(RecorderUser user) => new(
        user.Name, user.DisplayName, user.Role, user.Numbers, user.Devices, user.Groups, user.Disabled, user.CreatedAt, user.UpdatedAt);
}

/// <summary>POST (all required but lists) and PUT (only the fields to change) of a user.</summary>
internal sealed record UserInputDto(
    string? Name, string? DisplayName, string? Role, string? Password, IReadOnlyList<string>? Numbers,
    IReadOnlyList<string>? Devices, IReadOnlyList<string>? Groups, bool? Disabled);

/// <summary>An API key; <paramref name="Key"/> only in the answer to its creation.</summary>
internal sealed record ApiKeyDto(string Id, string Name, string Role, string? Owner, DateTimeOffset CreatedAt, string? Key)
{
    public static ApiKeyDto From(ApiKeyRecord record, string? key) => new(record.Id, record.Name, record.Role, record.Owner, record.CreatedAt, key);
}

/// <summary>POST of an API key.</summary>
internal sealed record ApiKeyInputDto(string? Name, string? Role, string? Owner);
