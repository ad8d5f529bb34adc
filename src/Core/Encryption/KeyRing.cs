using System.Security.Cryptography;
using System.Text;
using OrleansRecorder.Silo.Configuration;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// The node's KEKs by id and the active one (which wraps new data keys). Any KEK that is present unwraps what it
/// wrapped, so after a rotation old recordings play until their keys are rewrapped.
/// </summary>
internal sealed class KeyRing
{
    public const string KeysFolder = "keys";
    private const string GeneratedPrefix = "kek-";
    private const string GeneratedExtension = ".key";
    private readonly Dictionary<string, IKeyEncryptionKey> _keys;

    /// <param name="keys">Every KEK of the node.</param>
    /// <param name="activeId">The one that wraps new data keys; null only for a ring that wraps nothing (encryption off, no key).</param>
    public KeyRing(IEnumerable<IKeyEncryptionKey> keys, string? activeId)
    {
        _keys = keys.ToDictionary(k => k.Id, StringComparer.Ordinal);
        if (activeId is not null)
        {
            Active = _keys.TryGetValue(activeId, out var active)
                ? active
                : throw new InvalidOperationException($"Recorder:Encryption:ActiveKeyId '{activeId}' names no configured key-encryption key.");
        }
    }

    /// <summary>Null when the ring has no key (encryption off and none configured).</summary>
    public IKeyEncryptionKey? Active { get; }

    /// <summary>The id of a KEK generated at this start, for the log (never the key); null when none was generated.</summary>
    public string? GeneratedId { get; private init; }

    public IReadOnlyCollection<IKeyEncryptionKey> Keys => _keys.Values;

    public bool TryGet(string id, out IKeyEncryptionKey key) => _keys.TryGetValue(id, out key!);

    public WrappedDataKey Wrap(ReadOnlySpan<byte> dataKey)
    {
        var active = Active ?? throw new InvalidOperationException("No key-encryption key is configured.");
        return new WrappedDataKey(active.Id, active.Algorithm, active.Wrap(dataKey));
    }

    /// <summary>The data key, or <see cref="KeyUnavailableException"/> saying why not.</summary>
    public byte[] Unwrap(WrappedDataKey wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (!_keys.TryGetValue(wrapped.KekId, out var kek))
        {
            throw new KeyUnavailableException($"The recording's data key is wrapped by key-encryption key '{wrapped.KekId}', which this node does not have.");
        }

        if (!string.Equals(kek.Algorithm, wrapped.Algorithm, StringComparison.Ordinal))
        {
            throw new KeyUnavailableException($"Key-encryption key '{kek.Id}' is {kek.Algorithm}; the data key says {wrapped.Algorithm}.");
        }

        return kek.Unwrap(wrapped.Wrapped);
    }

    /// <summary>Rewraps a data key with the active KEK (rotation); the audio is not touched.</summary>
    public WrappedDataKey Rewrap(WrappedDataKey wrapped)
    {
        var dataKey = Unwrap(wrapped);
        try
        {
            return Wrap(dataKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>
    /// The configured KEKs; with none configured, those generated earlier in <c>{dataDirectory}/keys/</c>, and a new one
    /// (AES-256, file mode 0600) when there is none yet and <paramref name="generate"/> (encryption on).
    /// </summary>
    public static KeyRing Load(EncryptionOptions options, string dataDirectory, bool generate = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = new List<IKeyEncryptionKey>();
        foreach (var configured in options.Keys)
        {
            keys.Add(FromOptions(configured));
        }

        string? generated = null;
        var folder = Path.Combine(dataDirectory, KeysFolder);
        var local = Directory.Exists(folder)
            ? Directory.GetFiles(folder, GeneratedPrefix + "*" + GeneratedExtension).OrderBy(File.GetLastWriteTimeUtc).ToList()
            : [];
        foreach (var file in local)
        {
            var id = Path.GetFileNameWithoutExtension(file)[GeneratedPrefix.Length..];
            if (keys.All(k => k.Id != id))
            {
                keys.Add(new AesKeyEncryptionKey(id, ReadAesKey(file)));
            }
        }

        if (keys.Count == 0 && !generate)
        {
            return new KeyRing(keys, null);
        }

        if (keys.Count == 0)
        {
            generated = "local-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var key = RandomNumberGenerator.GetBytes(32);
            WriteSecret(Path.Combine(folder, GeneratedPrefix + generated + GeneratedExtension), Convert.ToBase64String(key));
            keys.Add(new AesKeyEncryptionKey(generated, key));
            CryptographicOperations.ZeroMemory(key);
        }

        var active = options.ActiveKeyId is { Length: > 0 } chosen
            ? chosen
            : options.Keys.Count > 0 ? options.Keys[0].Id : generated ?? keys[^1].Id;
        return new KeyRing(keys, active) { GeneratedId = generated };
    }

    public static IKeyEncryptionKey FromOptions(KekOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Id))
        {
            throw new InvalidOperationException("Recorder:Encryption:Keys: every key-encryption key needs an Id.");
        }

        var sources = new[] { options.KeyFile, options.Key, options.RsaKeyFile }.Count(s => !string.IsNullOrWhiteSpace(s));
        if (sources != 1)
        {
            throw new InvalidOperationException($"Recorder:Encryption:Keys '{options.Id}': set exactly one of KeyFile, Key, RsaKeyFile.");
        }

        try
        {
            if (!string.IsNullOrWhiteSpace(options.RsaKeyFile))
            {
                return RsaKeyEncryptionKey.FromPem(options.Id, File.ReadAllText(options.RsaKeyFile));
            }

            var key = options.KeyFile is { Length: > 0 } file ? ReadAesKey(file) : Convert.FromBase64String(options.Key!.Trim());
            return new AesKeyEncryptionKey(options.Id, key);
        }
        catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or CryptographicException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Recorder:Encryption:Keys '{options.Id}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// A KEK from <c>id=path</c> (the admin CLI's form): a PEM file is an RSA key (public or private), anything else an
    /// AES-256 key as for <see cref="KekOptions.KeyFile"/>.
    /// </summary>
    public static IKeyEncryptionKey FromSpec(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var split = spec.IndexOf('=', StringComparison.Ordinal);
        if (split <= 0 || split == spec.Length - 1)
        {
            throw new ArgumentException($"'{spec}' is not <kek-id>=<key-file>.", nameof(spec));
        }

        var (id, path) = (spec[..split], spec[(split + 1)..]);
        var isPem = File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal);
        return FromOptions(isPem ? new KekOptions { Id = id, RsaKeyFile = path } : new KekOptions { Id = id, KeyFile = path });
    }

    /// <summary>32 raw bytes, or base64 or hex text of 32 bytes.</summary>
    public static byte[] ReadAesKey(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 32)
        {
            return bytes;
        }

        var text = Encoding.ASCII.GetString(bytes).Trim();
        return text.Length == 64 && text.All(Uri.IsHexDigit) ? Convert.FromHexString(text) : Convert.FromBase64String(text);
    }

    /// <summary>Writes a secret readable by the owner only (0600 from creation, so no other user can open it first).</summary>
    public static void WriteSecret(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }
}
