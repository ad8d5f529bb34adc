using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>ECDSA P-256 public keys by key id: what a verifier trusts.</summary>
internal sealed class SigningKeySet : IDisposable
{
    private readonly ConcurrentDictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    public int Count => _keys.Count;

    public IEnumerable<string> KeyIds => _keys.Keys;

    public bool Contains(string keyId) => _keys.ContainsKey(keyId);

    /// <summary>The key id of <paramref name="key"/>: hex of the first 16 bytes of SHA-256(SubjectPublicKeyInfo DER).</summary>
    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 16));
    }

    /// <summary>Adds the P-256 key of a PEM text (a private key: its public half only); returns its id.</summary>
    public string AddPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException($"not an ECDSA public key in PEM: {e.Message}", e);
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"an ECDSA key of {key.KeySize} bits, not P-256");
        }

        // Keep only the public half: a verifier never needs more.
        var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        key.Dispose();
        var id = KeyIdOf(publicOnly);
        if (!_keys.TryAdd(id, publicOnly))
        {
            publicOnly.Dispose();
        }

        return id;
    }

    /// <summary>Adds the key of a PEM file, or of every <c>*.pem</c> file of a directory.</summary>
    public void AddPath(string path)
    {
        if (Directory.Exists(path))
        {
            foreach (var file in Directory.GetFiles(path, "*.pem").Order(StringComparer.Ordinal))
            {
                AddPem(File.ReadAllText(file));
            }

            return;
        }

        AddPem(File.ReadAllText(path));
    }

    /// <summary>True when <paramref name="signature"/> (r ‖ s) is the key's ECDSA-SHA-256 signature of <paramref name="message"/>.</summary>
    public bool Verify(string keyId, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (!_keys.TryGetValue(keyId, out var key) || signature.Length != 64)
        {
            return false;
        }

        // One verification at a time per key object: an ECDsa instance is not documented as thread-safe.
        lock (key)
        {
            return key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        _keys.Clear();
    }
}
