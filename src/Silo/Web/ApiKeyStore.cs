using System.Security.Cryptography;
using System.Text;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The admin API key expected in <c>X-Api-Key</c>: the configured one, else the one stored in the data directory,
/// else a new random key written there (and logged once at start, so the operator can read it).
/// </summary>
internal sealed class ApiKeyStore
{
    public const string FileName = "admin-api-key";
    private readonly byte[] _key;

    private ApiKeyStore(string key, bool generated, string? path)
    {
        _key = Encoding.UTF8.GetBytes(key);
        Key = key;
        Generated = generated;
        Path = path;
    }

    public string Key { get; }
    public bool Generated { get; }
    public string? Path { get; }

    public static ApiKeyStore Load(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new ApiKeyStore(configured.Trim(), generated: false, path: null);
        }

        var path = System.IO.Path.Combine(dataDirectory, FileName);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } stored)
        {
            return new ApiKeyStore(stored, generated: false, path);
        }

        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        Security.PrivateFiles.WriteSecret(path, key);

        return new ApiKeyStore(key, generated: true, path);
    }

    /// <summary>Constant-time comparison, so the key cannot be guessed byte by byte from response times.</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _key);
}
