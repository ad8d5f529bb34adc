using System.Security.Cryptography;
using Azure;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// Recomputes the SHA-256 of every audio file of a node's store against its manifest, and with a repair source
/// replaces each missing or corrupt copy with a good one from there.
/// </summary>
/// <remarks>
/// A repair copies the source's file into <c>{audio}.repair</c> beside the audio (same directory, so the rename is
/// atomic), flushes it to disk, hashes what landed on disk, and only when size and SHA-256 match the manifest renames
/// it over the audio: an interrupted or failed repair leaves the store as it was, plus at most a stray
/// <c>.repair</c> file that the next run overwrites. The manifest is the reference and is never changed.
/// </remarks>
internal static class StoreVerifier
{
    public const string RepairSuffix = ".repair";
    private const string MissingProblem = "missing";

    /// <param name="store">The node's data directory.</param>
    /// <param name="repairSource">Where good copies come from, or null to only report.</param>
    /// <param name="chains">Checks each manifest's seal and the chains (docs/TAMPER_EVIDENCE.md), or null to check hashes only.</param>
    /// <param name="progress">Manifests checked so far.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<VerifyReport> RunAsync(
        FileStoreReader store, IStoreReader? repairSource, Integrity.RecordingChains? chains, IProgress<long> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(progress);
        var report = new VerifyReport();
        await foreach (var file in store.ListManifestsAsync(cancellationToken))
        {
            report.Checked++;
            var (manifest, key, problem) = await ManifestCheck.ReadAsync(store, file, cancellationToken);
            if (manifest is null || key is null)
            {
                report.InvalidManifests.Add((file.Name, problem ?? "invalid"));
            }
            else
            {
                chains?.Add(file.Name, manifest);
                var path = store.FullPath(key.AudioName);
                problem = await CheckAsync(path, manifest, cancellationToken);
                if (problem is null)
                {
                    report.Good++;
                }
                else
                {
                    if (problem == MissingProblem)
                    {
                        report.Missing++;
                    }
                    else
                    {
                        report.Corrupt++;
                    }

                    var remaining = problem;
                    if (repairSource is not null)
                    {
                        var repairProblem = await RepairAsync(path, key.AudioName, manifest, repairSource, cancellationToken);
                        if (repairProblem is null)
                        {
                            report.Repaired++;
                            remaining = null;
                        }
                        else
                        {
                            remaining = $"{problem}; not repaired: {repairProblem}";
                        }
                    }

                    if (remaining is not null)
                    {
                        report.StillBad.Add((key.AudioName, remaining));
                    }
                }
            }

            progress.Report(report.Checked);
        }

        if (chains is not null)
        {
            report.ChainsChecked = true;
            report.Signed = chains.Signed;
            report.Recordings.AddRange(chains.Findings(wholeChains: true));
        }

        return report;
    }

    /// <summary>Null when the file at <paramref name="path"/> has the manifest's size and hash, else what is wrong.</summary>
    private static async Task<string?> CheckAsync(string path, RecordingManifest manifest, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return MissingProblem;
        }

        if (file.Length != manifest.SizeBytes)
        {
            return $"corrupt: {file.Length} bytes, the manifest says {manifest.SizeBytes}";
        }

        var sha256 = await HashFileAsync(path, cancellationToken);
        return string.Equals(sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"corrupt: SHA-256 {sha256}, the manifest says {manifest.Sha256.ToLowerInvariant()}";
    }

    /// <summary>Null when a good copy from <paramref name="source"/> is now at <paramref name="path"/>, else why not.</summary>
    private static async Task<string?> RepairAsync(
        string path, string name, RecordingManifest manifest, IStoreReader source, CancellationToken cancellationToken)
    {
        var temp = path + RepairSuffix;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            bool found;
            var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using (stream)
            {
                found = await source.CopyToAsync(name, stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            var problem = !found
                ? $"{source.Description} has no {name}"
                : await CheckAsync(temp, manifest, cancellationToken) is { } copyProblem
                    ? $"the copy in {source.Description} is {copyProblem}"
                    : null;
            if (problem is not null)
            {
                File.Delete(temp);
                return problem;
            }

            File.Move(temp, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RequestFailedException)
        {
            TryDelete(temp);
            return $"copying from {source.Description} failed: {e.Message}";
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    internal static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using (stream)
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray .repair file is overwritten by the next run.
        }
    }
}
