using System.Text.Json;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Maintenance;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// Checks an export folder offline (docs/TAMPER_EVIDENCE.md): each manifest's seal with the public keys, each audio
/// file beside it against the manifest (the stored SHA-256, or the plaintext SHA-256 of a decrypted copy), and each
/// signing key's chain over the part of it the export holds.
/// </summary>
internal static class ExportVerifier
{
    public static async Task<VerifyReport> RunAsync(string folder, RecordingChains chains, IProgress<long> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(progress);
        var report = new VerifyReport();
        var root = Path.GetFullPath(folder);
        foreach (var path in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(root, path).Replace('\\', '/');
            report.Checked++;
            RecordingManifest? manifest = null;
            try
            {
                if (new FileInfo(path).Length <= ManifestCheck.MaxManifestBytes)
                {
                    manifest = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken), RecordingJsonContext.Default.RecordingManifest);
                }
            }
            catch (JsonException e)
            {
                report.InvalidManifests.Add((name, $"not a valid manifest: {e.Message}"));
                continue;
            }

            if (manifest is null)
            {
                report.InvalidManifests.Add((name, "not a manifest"));
                continue;
            }

            chains.Add(name, manifest);
            var audio = Path.ChangeExtension(path, ExportNames.AudioExtension(manifest));
            var audioName = Path.ChangeExtension(name, ExportNames.AudioExtension(manifest));
            if (!File.Exists(audio))
            {
                report.Missing++;
                report.StillBad.Add((audioName, "missing"));
            }
            else
            {
                var sha256 = await StoreVerifier.HashFileAsync(audio, cancellationToken);
                var matches = string.Equals(sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(sha256, manifest.Encryption?.PlainSha256, StringComparison.OrdinalIgnoreCase);
                if (matches)
                {
                    report.Good++;
                }
                else
                {
                    report.Corrupt++;
                    report.StillBad.Add((audioName, $"corrupt: SHA-256 {sha256} is neither the manifest's stored nor its plaintext SHA-256"));
                }
            }

            progress.Report(report.Checked);
        }

        report.ChainsChecked = true;
        report.Signed = chains.Signed;
        report.Recordings.AddRange(chains.Findings(wholeChains: false));
        return report;
    }
}
