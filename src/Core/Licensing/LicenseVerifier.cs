using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace OrleansRecorder.Silo.Licensing;

/// <summary>
/// Evaluates a node's licence file against the public key, the node's name and role, and the clock.
/// Pure apart from reading the two files: no logging, no caching (see <see cref="LicenseMonitor"/> for that).
/// </summary>
internal sealed class LicenseVerifier
{
    /// <summary>Channels of the evaluation licence (no licence file configured).</summary>
    public const int EvaluationChannels = 4;

    /// <summary>A licence file is a few hundred bytes; anything beyond this is not one.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Tolerated clock difference between the issuer and the node for <see cref="LicenseDocument.IssuedAt"/>.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _timeProvider;
    private readonly int _evaluationChannels;

    /// <param name="timeProvider">The clock expiry is judged by.</param>
    /// <param name="evaluationChannels">
    /// Channels without a licence file; at most <see cref="EvaluationChannels"/> (a larger value is capped), so
    /// configuration can lower the evaluation allowance (tests) but never raise it.
    /// </param>
    public LicenseVerifier(TimeProvider timeProvider, int evaluationChannels = EvaluationChannels)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(evaluationChannels);
        _timeProvider = timeProvider;
        _evaluationChannels = Math.Min(evaluationChannels, EvaluationChannels);
    }

    public LicenseState Evaluate(string? licenseFilePath, string? publicKeyPemOrPath, string nodeName, string nodeRole)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(nodeRole);
        if (string.IsNullOrWhiteSpace(licenseFilePath))
        {
            return LicenseState.Evaluation(
                _evaluationChannels,
                $"no licence file: evaluation licence, {_evaluationChannels.ToString(CultureInfo.InvariantCulture)} channels");
        }

        if (string.IsNullOrWhiteSpace(publicKeyPemOrPath))
        {
            return LicenseState.Invalid("licence file configured but no public key (Recorder:License:PublicKey)");
        }

        if (!LicenseKeys.TryLoadPublicKey(publicKeyPemOrPath, out var publicKey, out var keyProblem))
        {
            return LicenseState.Invalid(keyProblem);
        }

        using (publicKey)
        {
            if (!TryReadEnvelope(licenseFilePath.Trim(), out var payload, out var signature, out var problem))
            {
                return LicenseState.Invalid(problem);
            }

            if (!publicKey.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return LicenseState.Invalid("signature does not verify");
            }

            LicenseDocument? license;
            try
            {
                license = JsonSerializer.Deserialize(payload, LicenseJsonContext.Default.LicenseDocument);
            }
            catch (JsonException e)
            {
                return LicenseState.Invalid($"malformed: signed licence is not a licence document ({e.Message})");
            }

            return license is null ? LicenseState.Invalid("malformed: signed licence is empty") : Judge(license, nodeName, nodeRole);
        }
    }

    /// <summary>How licence times appear in reasons and in the tool's output.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private LicenseState Judge(LicenseDocument license, string nodeName, string nodeRole)
    {
        if (license.Channels < 0 || string.IsNullOrWhiteSpace(license.Node) || license.ExpiresAt <= license.IssuedAt)
        {
            return LicenseState.Invalid("malformed: licence fields are out of range", license);
        }

        if (license.Role is not ("primary" or "backup"))
        {
            return LicenseState.Invalid($"malformed: licence role '{license.Role}' is neither primary nor backup", license);
        }

        if (!string.Equals(license.Node, nodeName, StringComparison.OrdinalIgnoreCase))
        {
            return LicenseState.Invalid($"issued for node {license.Node}, this node is {nodeName}", license);
        }

        if (!string.Equals(license.Role, nodeRole, StringComparison.OrdinalIgnoreCase))
        {
            return LicenseState.Invalid($"issued for role {license.Role}, this node is {nodeRole}", license);
        }

        var now = _timeProvider.GetUtcNow();
        if (now + ClockSkew < license.IssuedAt)
        {
            return LicenseState.Invalid($"not valid before {FormatTime(license.IssuedAt)} (check this node's clock)", license);
        }

        if (now >= license.ExpiresAt)
        {
            return LicenseState.Invalid($"expired on {FormatTime(license.ExpiresAt)}", license);
        }

        return LicenseState.Valid(license);
    }

    private static bool TryReadEnvelope(string path, out byte[] payload, out byte[] signature, out string problem)
    {
        payload = [];
        signature = [];
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            problem = $"file not found: {path}";
            return false;
        }

        if (file.Length > MaxFileBytes)
        {
            problem = $"malformed: {path} is {file.Length.ToString(CultureInfo.InvariantCulture)} bytes, not a licence file";
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"licence file cannot be read: {path}: {e.Message}";
            return false;
        }

        LicenseEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(bytes, LicenseJsonContext.Default.LicenseEnvelope);
        }
        catch (JsonException e)
        {
            problem = $"malformed: {path} is not a licence envelope ({e.Message})";
            return false;
        }

        if (envelope is null)
        {
            problem = $"malformed: {path} is not a licence envelope";
            return false;
        }

        try
        {
            payload = Convert.FromBase64String(envelope.License);
            signature = Convert.FromBase64String(envelope.Signature);
        }
        catch (FormatException)
        {
            problem = "malformed: license or signature is not base64";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
