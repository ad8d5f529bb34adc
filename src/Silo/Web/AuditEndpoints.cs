using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>GET /api/audit</c> (JSON, paged) and <c>GET /api/audit.csv</c> (every match): admin and auditor.</summary>
internal static class AuditEndpoints
{
    private const int MaxPageSize = 500;
    private const int MaxCsvRows = 100_000;

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAsync).WithName("ListAudit").WithTags("Audit").RequireAuthorization(RecorderPolicies.Audit);
        api.MapGet("/audit.csv", CsvAsync).WithName("ExportAudit").WithTags("Audit").RequireAuthorization(RecorderPolicies.Audit);
        return api;
    }

    private static async Task<Results<Ok<AuditListDto>, ValidationProblem>> ListAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? user, string? action, int? page, int? pageSize,
        ISecurityStore store, AuthFailureAudit failures, CancellationToken cancellationToken)
    {
        if (Validate(from, to, page, pageSize) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid audit search");
        }

        // Failed sign-ins still being counted are written now: whoever reads the log sees every failure up to now.
        // Only auditors and admins get here, so this does not reopen the anonymous row flood.
        await failures.FlushAsync(all: true);

        var (items, total) = await store.QueryAuditAsync(
            new AuditQuery(from, to, Blank(user), Blank(action), page ?? 1, pageSize ?? 100), cancellationToken);
        return TypedResults.Ok(new AuditListDto(items, total));
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> CsvAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? user, string? action, ISecurityStore store, AuthFailureAudit failures,
        CancellationToken cancellationToken)
    {
        if (Validate(from, to, null, null) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid audit export");
        }

        await failures.FlushAsync(all: true); // as in the list: every failure up to now

        // Written to the response as the rows are read from one query: the export never holds the log in memory.
        var query = new AuditQuery(from, to, Blank(user), Blank(action), 1, MaxPageSize);
        return TypedResults.Stream(async body =>
        {
            await using var csv = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024);
            await csv.WriteAsync("seq,time,user,source,action,target,details\r\n");
            await foreach (var e in store.StreamAuditAsync(query, MaxCsvRows, cancellationToken))
            {
                await csv.WriteAsync(string.Concat(
                    e.Seq.ToString(CultureInfo.InvariantCulture), ",",
                    e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), ",",
                    Field(e.User), ",", Field(e.Source), ",", Field(e.Action), ",", Field(e.Target), ",", Field(e.Details), "\r\n"));
            }
        }, "text/csv; charset=utf-8", "audit.csv");
    }

    private static Dictionary<string, string[]> Validate(DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (from is not null && to is not null && from > to)
        {
            errors["from"] = ["from must not be after to."];
        }

        if (page is < 1)
        {
            errors["page"] = ["page starts at 1."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }

        return errors;
    }

    /// <summary>RFC 4180 quoting, and a leading quote before =, +, - or @ so a spreadsheet never runs a cell as a formula.</summary>
    internal static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        value = BidiText.Neutralise(value)!;

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One page of the audit log, newest first.</summary>
internal sealed record AuditListDto(IReadOnlyList<AuditEntry> Items, long Total);
