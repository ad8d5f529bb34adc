using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Security;

/// <summary>Random ids for users and their security stamps (128 bits: never guessed, never repeated).</summary>
internal static class SecurityStamps
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
