using System.Security.Cryptography;
using System.Text;

namespace OrleansRecorder.Silo.Security;

/// <summary>Automation keys: 32 random bytes shown once; only their SHA-256 is stored (a key is not a password: it
/// has full entropy, so a fast hash is enough and the lookup stays an index seek).</summary>
internal static class ApiKeys
{
    public const string Prefix = "rk_";

    public static string NewKey() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
