using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// An RSA KEK (RSA-OAEP with SHA-256). With only the public key the node encrypts new recordings but cannot play any
/// back (public-key-only mode); whoever holds the private key (the admin CLI) decrypts.
/// </summary>
internal sealed class RsaKeyEncryptionKey : IKeyEncryptionKey, IDisposable
{
    public const string AlgorithmName = "RSA-OAEP-256";
    private readonly RSA _rsa;

    public RsaKeyEncryptionKey(string id, RSA rsa, bool hasPrivateKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(rsa);
        if (rsa.KeySize < 2048)
        {
            throw new ArgumentException($"Key-encryption key '{id}' is RSA-{rsa.KeySize}; at least 2048 bits are required.", nameof(rsa));
        }

        Id = id;
        _rsa = rsa;
        CanUnwrap = hasPrivateKey;
    }

    public string Id { get; }

    public string Algorithm => AlgorithmName;

    public bool CanUnwrap { get; }

    /// <summary>From PEM text: a public key (SubjectPublicKeyInfo or PKCS#1) or a private key (which also wraps).</summary>
    public static RsaKeyEncryptionKey FromPem(string id, string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaKeyEncryptionKey(id, rsa, pem.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    public byte[] Wrap(ReadOnlySpan<byte> dataKey) => _rsa.Encrypt(dataKey.ToArray(), RSAEncryptionPadding.OaepSHA256);

    public byte[] Unwrap(ReadOnlySpan<byte> wrapped)
    {
        if (!CanUnwrap)
        {
            throw new KeyUnavailableException(
                $"Key-encryption key '{Id}' is an RSA public key only: this node encrypts recordings but cannot decrypt them (public-key-only mode).",
                publicKeyOnly: true);
        }

        try
        {
            return _rsa.Decrypt(wrapped.ToArray(), RSAEncryptionPadding.OaepSHA256);
        }
        catch (CryptographicException ex)
        {
            throw new KeyUnavailableException($"The data key does not unwrap with key-encryption key '{Id}' (wrong key or changed wrapped key).", ex);
        }
    }

    public void Dispose() => _rsa.Dispose();
}
