using System.Security.Cryptography;
using OrleansRecorder.Silo.Configuration;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// The keys of calls in progress: a fresh 256-bit key per call (its segments, gap journals and the finalizer's temporary
/// file), wrapped and kept in the call's <c>session.json</c> so that recovery after a restart and a peer's takeover of
/// the in-call copy can unwrap it. The wrapping key is the spool key when one is set (<see cref="Spool"/>), else the
/// active KEK; a public-key-only node (whose KEK cannot unwrap) gets a spool key generated in
/// <c>{DataDirectory}/keys/spool.key</c> (0600) at first start (docs/ENCRYPTION.md).
/// </summary>
internal sealed class SegmentKeys
{
    public const string GeneratedFileName = "spool.key";
    private const string SpoolIdPrefix = "spool-";
    private readonly KeyRing _ring;

    /// <param name="ring">The node's KEKs: the active one wraps when there is no spool key; all of them unwrap.</param>
    /// <param name="spool">The spool key (AES-256), or null.</param>
    /// <param name="encryptNew">New calls' segments are encrypted (<c>Recorder:Encryption:Enabled</c>); off, existing ones still read.</param>
    public SegmentKeys(KeyRing ring, IKeyEncryptionKey? spool, bool encryptNew)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _ring = ring;
        Spool = spool;
        EncryptNew = encryptNew;
        if (encryptNew && spool is null && ring.Active is not { CanUnwrap: true })
        {
            throw new InvalidOperationException("Segments of calls in progress need a key this node can unwrap: set Recorder:Encryption:SpoolKeyFile, or an AES or private RSA key-encryption key.");
        }
    }

    public IKeyEncryptionKey? Spool { get; }

    public bool EncryptNew { get; }

    /// <summary>A fresh call key and its wrapped form for <c>session.json</c>.</summary>
    public (byte[] Key, WrappedDataKey Wrapped) Create()
    {
        var wrapper = Spool ?? _ring.Active!;
        var key = RandomNumberGenerator.GetBytes(32);
        return (key, new WrappedDataKey(wrapper.Id, wrapper.Algorithm, wrapper.Wrap(key)));
    }

    /// <summary>The call key, or <see cref="KeyUnavailableException"/> saying why not (a peer without the same spool key or KEK).</summary>
    public byte[] Unwrap(WrappedDataKey wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (Spool is { } spool && string.Equals(spool.Id, wrapped.KekId, StringComparison.Ordinal))
        {
            return spool.Unwrap(wrapped.Wrapped);
        }

        if (wrapped.KekId.StartsWith(SpoolIdPrefix, StringComparison.Ordinal))
        {
            throw new KeyUnavailableException($"The call's segments are wrapped by spool key '{wrapped.KekId}', which this node does not have (Recorder:Encryption:SpoolKeyFile).");
        }

        return _ring.Unwrap(wrapped);
    }

    /// <summary>
    /// The configured spool key (<see cref="EncryptionOptions.SpoolKeyFile"/>); else the generated one if present; else,
    /// when new segments are encrypted and the active KEK cannot unwrap (public-key-only), a new one (0600).
    /// </summary>
    public static SegmentKeys Load(EncryptionOptions options, string dataDirectory, KeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ring);
        var generated = Path.Combine(dataDirectory, KeyRing.KeysFolder, GeneratedFileName);
        byte[]? key = null;
        try
        {
            if (options.SpoolKeyFile is { Length: > 0 } file)
            {
                key = KeyRing.ReadAesKey(file);
            }
            else if (File.Exists(generated))
            {
                key = KeyRing.ReadAesKey(generated);
            }
            else if (options.Enabled && ring.Active is not { CanUnwrap: true })
            {
                key = RandomNumberGenerator.GetBytes(32);
                KeyRing.WriteSecret(generated, Convert.ToBase64String(key));
            }

            return new SegmentKeys(ring, key is null ? null : SpoolKey(key), options.Enabled);
        }
        catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Recorder:Encryption:SpoolKeyFile: {ex.Message}", ex);
        }
        finally
        {
            if (key is not null)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    /// <summary>An AES-256 spool key, named by its fingerprint so that every node given the same file agrees on its id.</summary>
    public static AesKeyEncryptionKey SpoolKey(ReadOnlySpan<byte> key) =>
        new(SpoolIdPrefix + Convert.ToHexStringLower(SHA256.HashData(key))[..12], key);
}
