using System.Text.Json;
using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Recording;

/// <summary>At start-up, finalizes the recordings a previous process left in <c>segments/</c> as <c>interrupted</c>.</summary>
internal static class RecordingRecovery
{
    public static async Task<IReadOnlyList<FinalizedRecording>> FinalizeInterruptedAsync(
        RecordingOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var root = RecordingPaths.SegmentsRoot(options);
        if (!Directory.Exists(root))
        {
            return [];
        }

        var recovered = new List<FinalizedRecording>();
        foreach (var directory in Directory.GetDirectories(root))
        {
            ct.ThrowIfCancellationRequested();
            if (await FinalizeDirectoryAsync(options, directory, [], timeProvider, logger, ct) is { } recording)
            {
                recovered.Add(recording);
            }
        }

        return recovered;
    }

    /// <summary>
    /// Finalizes one segment directory as <c>interrupted</c>, ended at its last write; one that cannot be read goes to
    /// <c>segments-orphaned/</c>. Also used for another node's call copied here (<see cref="Storage.LiveCopyTakeover"/>).
    /// </summary>
    /// <returns>The recording, or null when the directory was orphaned or failed (logged).</returns>
    public static async Task<FinalizedRecording?> FinalizeDirectoryAsync(
        RecordingOptions options,
        string directory,
        IReadOnlyList<string> flags,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var (state, error) = TryReadState(directory);
        if (state is null)
        {
            var orphaned = MoveToOrphaned(options, directory);
            RecordingLog.Orphaned(logger, directory, orphaned, error);
            return null;
        }

        try
        {
            var endedAt = LastWrite(directory, state.Info.StartedAt) ?? timeProvider.GetUtcNow();
            var recording = await SegmentFinalizer.FinalizeAsync(
                options, directory, state, RecordingStatus.Interrupted, null, null, flags, endedAt, logger, ct);
            RecordingLog.Recovered(logger, recording.RecordingId);
            return recording;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException
            or Encryption.KeyUnavailableException or System.Security.Cryptography.CryptographicException)
        {
            RecordingLog.RecoveryFailed(logger, directory, exception);
            return null;
        }
    }

    private static (SessionState? State, Exception? Error) TryReadState(string directory)
    {
        var path = Path.Combine(directory, RecordingPaths.SessionFileName);
        if (!File.Exists(path))
        {
            return (null, null);
        }

        try
        {
            using var stream = File.OpenRead(path);
            var state = JsonSerializer.Deserialize(stream, RecordingJsonContext.Default.SessionState);
            return state?.Info?.RecordingId is { Length: > 0 } ? (state, null) : (null, null);
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException)
        {
            return (null, exception);
        }
    }

    /// <summary>The last time audio reached the segments: the best known end of an interrupted call.</summary>
    private static DateTimeOffset? LastWrite(string directory, DateTimeOffset startedAt)
    {
        DateTimeOffset? last = null;
        // Every channel's segment: near.pcm, far.pcm and a SIPREC session's further ch{n}.pcm.
        foreach (var path in Directory.EnumerateFiles(directory, "*.pcm"))
        {
            var file = new FileInfo(path);
            if (file.Exists && file.Length > 0)
            {
                var written = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
                if (last is null || written > last)
                {
                    last = written;
                }
            }
        }

        return last is { } value && value < startedAt ? startedAt : last;
    }

    private static string MoveToOrphaned(RecordingOptions options, string directory)
    {
        var orphanedRoot = RecordingPaths.OrphanedSegmentsRoot(options);
        Directory.CreateDirectory(orphanedRoot);
        var name = Path.GetFileName(directory);
        var target = Path.Combine(orphanedRoot, name);
        for (var i = 1; Directory.Exists(target) || File.Exists(target); i++)
        {
            target = Path.Combine(orphanedRoot, $"{name}.{i}");
        }

        Directory.Move(directory, target);
        return target;
    }
}
