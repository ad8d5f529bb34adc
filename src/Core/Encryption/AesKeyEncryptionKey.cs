using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// An AES-256 KEK: RFC 5649 AES key wrap with padding (<c>Aes.EncryptKeyWrapPadded</c>, new in .NET 10), whose
/// integrity check makes a wrong KEK or a changed wrapped key fail instead of yielding a wrong data key.
/// </summary>
internal sealed class AesKeyEncryptionKey : IKeyEncryptionKey, IDisposable
{
    public const string AlgorithmName = "A256KWP";
    private readonly Aes _aes;

    public AesKeyEncryptionKey(string id, ReadOnlySpan<byte> key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (key.Length != 32)
        {
            throw new ArgumentException($"Key-encryption key '{id}' must be 32 bytes (AES-256), not {key.Length}.", nameof(key));
        }

        Id = id;
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
    }

    public string Id { get; }

    public string Algorithm => AlgorithmName;

    public bool CanUnwrap => true;

    public byte[] Wrap(ReadOnlySpan<byte> dataKey) => _aes.EncryptKeyWrapPadded(dataKey);

    public byte[] Unwrap(ReadOnlySpan<byte> wrapped)
    {
        try
        {
            return _aes.DecryptKeyWrapPadded(wrapped);
        }
        catch (CryptographicException ex)
        {
            throw new KeyUnavailableException($"The data key does not unwrap with key-encryption key '{Id}' (wrong key or changed wrapped key).", ex);
        }
    }

    public void Dispose() => _aes.Dispose();
}
