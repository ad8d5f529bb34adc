using System.Security.Cryptography;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Encryption;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>Where the node's signing key comes from: <c>Recorder:Signing:KeyFile</c>, or a key generated once in the data directory.</summary>
internal static class SigningKeyFile
{
    public const string GeneratedFileName = "signing-p256.pem";

    /// <summary>
    /// The configured key, else the one generated earlier in <c>{dataDirectory}/keys/</c>, else a new one written there
    /// readable by the owner only (like a generated KEK).
    /// </summary>
    public static NodeSigningKey Load(SigningOptions options, string dataDirectory, string node)
    {
        ArgumentNullException.ThrowIfNull(options);
        var generated = false;
        var path = options.KeyFile;
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Path.Combine(dataDirectory, KeyRing.KeysFolder, GeneratedFileName);
            if (!File.Exists(path))
            {
                using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                KeyRing.WriteSecret(path, fresh.ExportPkcs8PrivateKeyPem());
                generated = true;
            }
        }

        return NodeSigningKey.FromKey(ReadPrivate(path), node, generated);
    }

    private static ECDsa ReadPrivate(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new InvalidOperationException($"Recorder:Signing:KeyFile {path} is not a P-256 key.");
            }

            // A public key alone cannot sign: fail at start, not at the first finalized call.
            key.ExportParameters(includePrivateParameters: true);
            return key;
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new InvalidOperationException($"Recorder:Signing:KeyFile {path} is not an ECDSA P-256 private key in PEM: {e.Message}", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
