using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/recordings</c>: search the catalog, read one recording, stream its audio.</summary>
internal static class RecordingsEndpoints
{
    private const int MaxPageSize = 500;

    public static RouteGroupBuilder MapRecordingsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/recordings").WithTags("Recordings");
        group.MapGet("/", ListAsync).WithName("ListRecordings");
        group.MapGet("/{id}", GetAsync).WithName("GetRecording");
        group.MapGet("/{id}/audio", GetAudioAsync).WithName("GetRecordingAudio");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteRecording");
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
        int? page,
        int? pageSize,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
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

        var result = await catalog.QueryAsync(
            new RecordingQuery(from, to, Blank(number), Blank(device), parsedStatus, page ?? 1, pageSize ?? 50),
            cancellationToken);
        var items = await Task.WhenAll(result.Items.Select(async m => RecordingDto.From(m) with { Replicas = await locator.LocateAsync(m, cancellationToken) }));
        return TypedResults.Ok(new RecordingListDto(items, result.Total));
    }

    private static async Task<Results<Ok<RecordingDto>, ProblemHttpResult>> GetAsync(
        string id, IRecordingCatalog catalog, IReplicaLocator locator, CancellationToken cancellationToken)
    {
        var manifest = await catalog.GetAsync(id, cancellationToken);
        return manifest is null
            ? NotFound(id)
            : TypedResults.Ok(RecordingDto.From(manifest, withManifest: true) with { Replicas = await locator.LocateAsync(manifest, cancellationToken) });
    }

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetAudioAsync(
        string id, IRecordingCatalog catalog, RecorderSettings settings, LocalReplicaFetcher fetcher, CancellationToken cancellationToken)
    {
        var manifest = await catalog.GetAsync(id, cancellationToken);
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

        return TypedResults.PhysicalFile(path, RecordingFormats.ContentType(manifest.Format), Path.GetFileName(path), enableRangeProcessing: true);
    }

    /// <summary>Removes the recording from the catalog and every store, and leaves a tombstone (admin key only for now).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, IRecordingCatalog catalog, RecordingRemover remover, CancellationToken cancellationToken)
    {
        var manifest = await catalog.GetAsync(id, cancellationToken);
        if (manifest is null)
        {
            return NotFound(id);
        }

        await remover.RemoveAsync(manifest, "deleted through the API", cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Recording not found", detail: $"No recording with id '{id}'.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
