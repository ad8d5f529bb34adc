using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Licensing;

/// <summary>ECDSA P-256 keys in PEM: PKCS#8 for the issuer's private key, SubjectPublicKeyInfo for the nodes' public key.</summary>
internal static class LicenseKeys
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string PublicKeyLabel = "PUBLIC KEY";

    public static ECDsa CreatePrivateKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static bool IsP256(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize != 256)
        {
            return false;
        }

        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256");
    }

    /// <summary>
    /// Loads the verifying key from PEM text or from the path of a PEM file (<c>Recorder:License:PublicKey</c>).
    /// PEM text passed through an environment variable may carry literal <c>\n</c> escapes; they are accepted.
    /// </summary>
    public static bool TryLoadPublicKey(string pemOrPath, [NotNullWhen(true)] out ECDsa? key, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(pemOrPath);
        key = null;
        string pem;
        if (pemOrPath.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            pem = pemOrPath.Replace("\\n", "\n", StringComparison.Ordinal);
        }
        else
        {
            var path = pemOrPath.Trim();
            if (!File.Exists(path))
            {
                problem = $"public key file not found: {path}";
                return false;
            }

            try
            {
                pem = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = $"public key file cannot be read: {path}: {e.Message}";
                return false;
            }
        }

        if (!PemEncoding.TryFind(pem, out var fields))
        {
            problem = "public key is not PEM";
            return false;
        }

        var label = pem.AsSpan()[fields.Label];
        if (!label.SequenceEqual(PublicKeyLabel))
        {
            problem = label.Contains("PRIVATE", StringComparison.Ordinal)
                ? "public key setting holds a private key: give the nodes the public key only"
                : $"public key PEM is '{label}', expected '{PublicKeyLabel}'";
            return false;
        }

        var candidate = ECDsa.Create();
        try
        {
            candidate.ImportFromPem(pem);
            if (!IsP256(candidate))
            {
                candidate.Dispose();
                problem = "public key is not an ECDSA P-256 key";
                return false;
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            candidate.Dispose();
            problem = "public key is not an ECDSA P-256 key";
            return false;
        }

        key = candidate;
        problem = null;
        return true;
    }

    /// <summary>Loads the issuer's private key from a PEM file; throws with a message naming the file on failure.</summary>
    public static ECDsa LoadPrivateKey(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pem = File.ReadAllText(path);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (!IsP256(key))
            {
                throw new CryptographicException($"{path} is not an ECDSA P-256 key.");
            }

            _ = key.ExportParameters(includePrivateParameters: true);
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CryptographicException($"{path} does not hold an ECDSA P-256 private key in PEM: {e.Message}", e);
        }
    }
}
