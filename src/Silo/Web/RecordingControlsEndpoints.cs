using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Controls on one recording: legal hold, notes, tags, the waveform's peaks, and delete. Same visibility as
/// <c>GET /recordings/{id}</c>: a recording the caller may not see is a 404.
/// </summary>
internal static class RecordingControlsEndpoints
{
    private const int MaxBuckets = 4000;
    private const int MaxNoteLength = 4000;
    private const int MaxTags = 20;
    private const int MaxNotes = 100;

    public static RouteGroupBuilder MapRecordingControlsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/recordings/{id}").WithTags("Recordings");
        group.MapPut("/preserve", PreserveAsync).WithName("PreserveRecording").RequireAuthorization(RecorderPolicies.Preserve);
        group.MapGet("/annotations", AnnotationsAsync).WithName("GetRecordingAnnotations").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapGet("/notes", NotesAsync).WithName("ListRecordingNotes").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapPost("/notes", AddNoteAsync).WithName("AddRecordingNote").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapGet("/tags", TagsAsync).WithName("GetRecordingTags").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapPut("/tags", SetTagsAsync).WithName("SetRecordingTags").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapGet("/peaks", PeaksAsync).WithName("GetRecordingPeaks").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapDelete("/", DeleteAsync).WithName("DeleteRecording").RequireAuthorization(RecorderPolicies.Admin);
        return api;
    }

    private static async Task<Results<Ok<AnnotationsDto>, ProblemHttpResult>> PreserveAsync(
        string id, PreserveDto? body, ClaimsPrincipal principal, HttpContext http, IRecordingCatalog catalog, RecordingAccess access,
        ISecurityStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        if (body?.Preserved is not { } preserved)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid legal hold",
                detail: "Send { \"preserved\": true } or { \"preserved\": false }.");
        }

        if (await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken) is null
            || !await catalog.SetPreservedAsync(id, preserved, cancellationToken))
        {
            return NotFound(id);
        }

        await audit.WriteAsync(http, AuditActions.Preserve, id, preserved ? "legal hold on" : "legal hold off");
        return TypedResults.Ok(await LoadAsync(id, store, cancellationToken));
    }

    private static async Task<Results<Ok<AnnotationsDto>, ProblemHttpResult>> AnnotationsAsync(
        string id, ClaimsPrincipal principal, IRecordingCatalog catalog, RecordingAccess access, ISecurityStore store, CancellationToken cancellationToken) =>
        await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken) is null
            ? NotFound(id)
            : TypedResults.Ok(await LoadAsync(id, store, cancellationToken));

    private static async Task<Results<Ok<IReadOnlyList<RecordingNote>>, ProblemHttpResult>> NotesAsync(
        string id, ClaimsPrincipal principal, IRecordingCatalog catalog, RecordingAccess access, ISecurityStore store, CancellationToken cancellationToken) =>
        await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken) is null
            ? NotFound(id)
            : TypedResults.Ok(await store.ListNotesAsync(id, cancellationToken));

    private static async Task<Results<Created<RecordingNote>, ValidationProblem, ProblemHttpResult>> AddNoteAsync(
        string id, NoteInputDto? body, ClaimsPrincipal principal, HttpContext http, IRecordingCatalog catalog, RecordingAccess access,
        ISecurityStore store, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var text = body?.Text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxNoteLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["text"] = [$"A note needs 1 to {MaxNoteLength} characters."] }, title: "Invalid note");
        }

        if (await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken) is null)
        {
            return NotFound(id);
        }

        // A bound per recording too: notes are read whole with the recording, so their number must stay small.
        if ((await store.ListNotesAsync(id, cancellationToken)).Count >= MaxNotes)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["text"] = [$"A recording holds at most {MaxNotes} notes."] }, title: "Too many notes");
        }

        var note = await store.AddNoteAsync(id, principal.Identity?.Name ?? "?", text, time.GetUtcNow(), cancellationToken);
        await audit.WriteAsync(http, AuditActions.Note, id, text.Length > 200 ? text[..200] + "…" : text);
        return TypedResults.Created($"/api/recordings/{id}/notes", note);
    }

    private static async Task<Results<Ok<IReadOnlyList<string>>, ProblemHttpResult>> TagsAsync(
        string id, ClaimsPrincipal principal, IRecordingCatalog catalog, RecordingAccess access, ISecurityStore store, CancellationToken cancellationToken) =>
        await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken) is null
            ? NotFound(id)
            : TypedResults.Ok(await store.GetTagsAsync(id, cancellationToken));

    private static async Task<Results<Ok<IReadOnlyList<string>>, ValidationProblem, ProblemHttpResult>> SetTagsAsync(
        string id, TagsInputDto? body, ClaimsPrincipal principal, HttpContext http, IRecordingCatalog catalog, RecordingAccess access,
        ISecurityStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        var tags = body?.Tags?.Select(t => t?.Trim() ?? "").ToList();
        if (tags is null || tags.Count > MaxTags || tags.Any(t => t.Length is 0 or > 40 || t.Contains(',', StringComparison.Ordinal)))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["tags"] = [$"Send {{ \"tags\": [...] }}: at most {MaxTags} tags of 1 to 40 characters, without commas."] },
                title: "Invalid tags");
        }

        if (await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken) is null)
        {
            return NotFound(id);
        }

        await store.SetTagsAsync(id, tags, cancellationToken);
        await audit.WriteAsync(http, AuditActions.Tags, id, string.Join(',', tags));
        return TypedResults.Ok(await store.GetTagsAsync(id, cancellationToken));
    }

    private static async Task<Results<Ok<PeaksDto>, ValidationProblem, ProblemHttpResult>> PeaksAsync(
        string id, int? buckets, ClaimsPrincipal principal, IRecordingCatalog catalog, RecordingAccess access, RecorderSettings settings,
        KeyRing keys, ILogger<KeyRing> logger, Webhooks.IWebhookPublisher publisher, PeaksCache cache, CancellationToken cancellationToken)
    {
        if (buckets is < 1 or > MaxBuckets)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["buckets"] = [$"buckets must be between 1 and {MaxBuckets}."] }, title: "Invalid peaks request");
        }

        if (await RecordingVisibility.FindAsync(id, catalog, access, principal, cancellationToken) is not { } manifest)
        {
            return NotFound(id);
        }

        var path = AudioPath(settings, manifest);
        if (!File.Exists(path))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Audio not on this node",
                detail: $"Recording {id} is in the catalog but its audio is not in this node's store.");
        }

        try
        {
            ProblemHttpResult? problem = null;
            var peaks = await cache.GetOrAddAsync(manifest.Id, manifest.Sha256, buckets ?? 800, async () =>
            {
                if (manifest.Encryption is null)
                {
                    return await Task.Run(() => PeaksReader.Read(path, manifest.Format, manifest.DurationSeconds, buckets ?? 800), cancellationToken);
                }

                var opened = await EncryptedAudio.OpenAsync(manifest, path, catalog, keys, logger, publisher, checkWholeFile: true, cancellationToken);
                if (opened.Stream is not { } plaintext)
                {
                    problem = opened.Problem!;
                    return null;
                }

                await using (plaintext)
                {
                    return await Task.Run(() => PeaksReader.Read(plaintext, manifest.Format, manifest.DurationSeconds, buckets ?? 800), cancellationToken);
                }
            });
            return peaks is null ? problem! : TypedResults.Ok(peaks);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or RecordingTamperedException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unreadable audio", detail: ex.Message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpContext http, IRecordingCatalog catalog, ISecurityStore store, RecordingRemover remover, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (await catalog.GetAsync(id, cancellationToken) is not { } manifest)
        {
            return NotFound(id);
        }

        if (await store.GetPreservedAsync(id, cancellationToken) == true)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Recording on legal hold",
                detail: $"Recording {id} is preserved: lift the legal hold (PUT /api/recordings/{id}/preserve) before deleting it.");
        }

        // Tombstone, catalog row, then every store that answers; a node that is down drops its copy when it returns.
        await remover.RemoveAsync(manifest, "deleted through the API", cancellationToken, http.User.Identity?.Name);
        await audit.WriteAsync(http, AuditActions.Delete, id, $"{manifest.NearEnd.Number} ↔ {manifest.FarEnd.Number}, {manifest.StartedAt:O}");
        return TypedResults.NoContent();
    }

    internal static string AudioPath(RecorderSettings settings, RecordingManifest manifest) =>
        Path.Combine(RecordingPaths.RecordingDirectory(settings.Recording, manifest.StartedAt), manifest.Id + RecordingFormats.Extension(manifest.Format));

    private static async Task<AnnotationsDto> LoadAsync(string id, ISecurityStore store, CancellationToken ct) => new(
        await store.GetPreservedAsync(id, ct) ?? false,
        await store.GetTagsAsync(id, ct),
        await store.ListNotesAsync(id, ct));

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Recording not found", detail: $"No recording with id '{id}'.");
}

/// <summary><c>PUT /recordings/{id}/preserve</c>.</summary>
internal sealed record PreserveDto(bool? Preserved);

/// <summary><c>POST /recordings/{id}/notes</c>.</summary>
internal sealed record NoteInputDto(string? Text);

/// <summary><c>PUT /recordings/{id}/tags</c>: the whole list.</summary>
internal sealed record TagsInputDto(IReadOnlyList<string?>? Tags);

/// <summary>Legal hold, tags and notes of a recording.</summary>
internal sealed record AnnotationsDto(bool Preserved, IReadOnlyList<string> Tags, IReadOnlyList<RecordingNote> Notes);
