using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>Our tags (RFC 3261 §19.3: at least 32 bits of randomness): 64 random bits in hex.</summary>
internal static class DialogTags
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
