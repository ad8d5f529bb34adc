using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/recordings</c>: search the catalog, read one recording, stream its audio.</summary>
internal static class RecordingsEndpoints
{
    private const int MaxPageSize = 500;

    public static RouteGroupBuilder MapRecordingsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/recordings").WithTags("Recordings").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapGet("/", ListAsync).WithName("ListRecordings");
        group.MapGet("/groups/{groupId}", GetGroupAsync).WithName("GetRecordingGroup");
        group.MapGet("/{id}", GetAsync).WithName("GetRecording");
        group.MapGet("/{id}/audio", GetAudioAsync).WithName("GetRecordingAudio");
        return group;
    }

    private static async Task<Results<Ok<RecordingListDto>, ValidationProblem>> ListAsync(
        IRecordingCatalog catalog,
        IReplicaLocator locator,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? number,
        string? device,
        string? status,
        string? flag,
        string? participant,
        int? page,
        int? pageSize,
        string? sort,
        string? order,
        string? groupBy,
        ClaimsPrincipal principal,
        HttpContext http,
        RecordingAccess access,
        AuditLog audit,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var parsedSort = RecordingSort.StartedAt;
        if (sort is not null && (!Enum.TryParse(sort, ignoreCase: true, out parsedSort) || int.TryParse(sort, out _)))
        {
            errors["sort"] = ["sort must be one of startedAt, duration, nearNumber, farNumber, size."];
        }

        if (order is not null && order is not ("asc" or "desc"))
        {
            errors["order"] = ["order must be asc or desc."];
        }

        RecordingStatus? parsedStatus = null;
        if (status is not null)
        {
            if (Enum.TryParse<RecordingStatus>(status, ignoreCase: true, out var s) && !int.TryParse(status, out _))
            {
                parsedStatus = s;
            }
            else
            {
                errors["status"] = ["status must be one of complete, partial, interrupted."];
            }
        }

        if (flag is not null && !RecordingQuery.IsValidFlag(flag))
        {
            errors["flag"] = ["flag is a recording flag such as wrong-source, no-ack, no-media or near-end-no-audio (a-z, 0-9, -)."];
        }

        if (participant is not null && participant.Trim().Length is 0 or > RecordingQuery.MaxParticipantLength)
        {
            errors["participant"] = [$"participant is part of a SIPREC participant's number, name or AOR (1 to {RecordingQuery.MaxParticipantLength} characters)."];
        }

        if (groupBy is not null && groupBy is not ("call" or "recording"))
        {
            errors["groupBy"] = ["groupBy must be call (one item per CUCM call) or recording (the default)."];
        }

        if (page is < 1)
        {
            errors["page"] = ["page starts at 1."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }

        if (from is not null && to is not null && from > to)
        {
            errors["from"] = ["from must not be after to."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid recording search");
        }

        var query = new RecordingQuery(from, to, Blank(number), Blank(device), parsedStatus, page ?? 1, pageSize ?? 50)
        {
            Scope = await access.ScopeAsync(principal, cancellationToken),
            Sort = parsedSort,
            Ascending = order == "asc",
            Flag = flag,
            Participant = participant,
            GroupByCall = groupBy == "call",
        };
        var result = await catalog.QueryAsync(query, cancellationToken);
        await audit.WriteAsync(http, AuditActions.Search, target: null, details: string.Join("; ", new[]
        {
            from is null ? null : "from=" + from.Value.ToString("O", CultureInfo.InvariantCulture),
            to is null ? null : "to=" + to.Value.ToString("O", CultureInfo.InvariantCulture),
            query.Number is null ? null : "number=" + query.Number,
            query.Device is null ? null : "device=" + query.Device,
            status is null ? null : "status=" + status,
            flag is null ? null : "flag=" + flag,
            participant is null ? null : "participant=" + participant,
            "page=" + query.Page.ToString(CultureInfo.InvariantCulture),
            "results=" + result.Total.ToString(CultureInfo.InvariantCulture),
        }.Where(p => p is not null)));
        var groups = await catalog.GetGroupsOfAsync([.. result.Items.Select(m => m.Id)], cancellationToken);
        var positions = RecordingGroups.Positions(groups);
        var replicas = await locator.LocateAsync(result.Items, cancellationToken);
        var items = result.Items.Select(m =>
        {
            var dto = RecordingDto.From(m).WithPosition(positions.GetValueOrDefault(m.Id)) with { Replicas = replicas.GetValueOrDefault(m.Id, []) };
            if (query.GroupByCall)
            {
                var parts = groups.FirstOrDefault(g => g.GroupId == dto.GroupId)?.Parts ?? [m];
                dto = dto with { GroupParts = RecordingPartDto.FromParts(Visible(parts, query.Scope)) };
            }

            return dto;
        }).ToList();
        return TypedResults.Ok(new RecordingListDto(items, result.Total));
    }

    private static async Task<Results<Ok<RecordingGroupDto>, ProblemHttpResult>> GetGroupAsync(
        string groupId, IRecordingCatalog catalog, RecordingAccess access, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var group = await catalog.GetGroupAsync(groupId, cancellationToken);
        var parts = group is null ? [] : Visible(group.Parts, await access.ScopeAsync(principal, cancellationToken));
        if (parts.Count == 0)
        {
            // Missing and not visible look the same (no existence leak, as for one recording).
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Recording group not found",
                detail: $"No recording group with id '{groupId}'.");
        }

        return TypedResults.Ok(new RecordingGroupDto(groupId, parts[0].RefCi, parts[0].StartedAt, parts[^1].EndedAt, RecordingPartDto.FromParts(parts)));
    }

    private static IReadOnlyList<RecordingManifest> Visible(IReadOnlyList<RecordingManifest> parts, RecordingScope? scope) =>
        scope is null ? parts : [.. parts.Where(m => scope.Allows(m.NearEnd.Number, m.NearEnd.Device, m.FarEnd.Number, m.FarEnd.Device))];

    private static async Task<Results<Ok<RecordingDto>, ProblemHttpResult>> GetAsync(
        string id, IRecordingCatalog catalog, IReplicaLocator locator, RecordingAccess access, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var manifest = await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken);
        if (manifest is null)
        {
            return NotFound(id);
        }

        var position = RecordingGroups.Positions(await catalog.GetGroupsOfAsync([manifest.Id], cancellationToken)).GetValueOrDefault(manifest.Id);
        return TypedResults.Ok(RecordingDto.From(manifest, withManifest: true).WithPosition(position)
            with { Replicas = (await locator.LocateAsync([manifest], cancellationToken)).GetValueOrDefault(manifest.Id, []) });
    }

    private static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, ProblemHttpResult>> GetAudioAsync(
        string id, bool? download, IRecordingCatalog catalog, RecorderSettings settings, RecordingAccess access, ClaimsPrincipal principal,
        HttpContext http, AuditLog audit, LocalReplicaFetcher fetcher, KeyRing keys, ILogger<KeyRing> logger,
        Integrity.SigningKeyDirectory signatures, Webhooks.IWebhookPublisher publisher, CancellationToken cancellationToken)
    {
        var manifest = await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken);
        if (manifest is null)
        {
            return NotFound(id);
        }

        var path = Path.Combine(RecordingPaths.RecordingDirectory(settings.Recording, manifest.StartedAt), manifest.Id + RecordingFormats.Extension(manifest.Format));
        if (!File.Exists(path) && await fetcher.EnsureLocalAsync(manifest, cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Audio not on this node",
                detail: $"Recording {id} is in the catalog but its audio is not in this node's store.");
        }

        // A player fetches the audio in ranges: one "play" per playback start (no range or from byte 0), one "download" per download.
        var range = http.Request.Headers.Range.ToString();
        if (download == true)
        {
            await audit.WriteAsync(http, AuditActions.Download, id, null);
        }
        else if (range.Length == 0 || range.StartsWith("bytes=0-", StringComparison.Ordinal))
        {
            await audit.WriteAsync(http, AuditActions.Play, id, range.Length == 0 ? null : range);
        }

        // The manifest must carry its node's valid signature (docs/TAMPER_EVIDENCE.md): it holds the file's SHA-256.
        if (await signatures.CheckAsync(manifest, cancellationToken) is { } sealProblem)
        {
            return IntegrityRefusal.Refuse(manifest.Id, "its manifest's signature: " + sealProblem, logger, publisher);
        }

        var playbackStart = range.Length == 0 || range.StartsWith("bytes=0-", StringComparison.Ordinal);
        if (manifest.Encryption is not null)
        {
            // Decrypted on the fly: ASP.NET's Range processing seeks the plaintext view, which decrypts only the segments a range covers.
            var opened = await EncryptedAudio.OpenAsync(manifest, path, catalog, keys, logger, publisher, checkWholeFile: playbackStart, cancellationToken, range);
            return opened.Stream is { } plaintext
                ? TypedResults.File(plaintext, RecordingFormats.ContentType(manifest.Format), Path.GetFileName(path), enableRangeProcessing: true)
                : opened.Problem!;
        }

        if (playbackStart && await PlainFileProblemAsync(path, manifest, cancellationToken) is { } fileProblem)
        {
            return IntegrityRefusal.Refuse(manifest.Id, fileProblem, logger, publisher);
        }

        return TypedResults.PhysicalFile(path, RecordingFormats.ContentType(manifest.Format), Path.GetFileName(path), enableRangeProcessing: true);
    }

    /// <summary>Null when a plain stored file has its manifest's size and SHA-256, else what differs.</summary>
    private static async Task<string?> PlainFileProblemAsync(string path, RecordingManifest manifest, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
        await using (stream)
        {
            if (stream.Length != manifest.SizeBytes)
            {
                return $"The stored file has {stream.Length} bytes, its manifest says {manifest.SizeBytes}.";
            }

            var sha256 = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken));
            return string.Equals(sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase)
                ? null
                : $"The stored file's SHA-256 is {sha256}, its manifest says {manifest.Sha256}.";
        }
    }

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Recording not found", detail: $"No recording with id '{id}'.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
