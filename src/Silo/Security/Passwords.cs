using Microsoft.AspNetCore.Identity;

namespace OrleansRecorder.Silo.Security;

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (shared framework; format v3:
/// PBKDF2 with HMAC-SHA512, 128-bit per-user salt, 100 000 iterations).
/// </summary>
internal static class Passwords
{
    public const int MinimumLength = 8;
    private static readonly PasswordHasher<RecorderUser> Hasher = new();

    public static string Hash(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        return Hasher.HashPassword(null!, password);
    }

    /// <summary>Whether <paramref name="password"/> matches; false for malformed hashes.</summary>
    public static bool Verify(string hash, string? password)
    {
        if (string.IsNullOrEmpty(hash) || string.IsNullOrEmpty(password))
        {
            return false;
        }

        try
        {
            return Hasher.VerifyHashedPassword(null!, hash, password) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Null when acceptable, else why not.</summary>
    public static string? Problem(string? password) =>
        password is null || password.Length < MinimumLength ? $"The password needs at least {MinimumLength} characters." : null;
}
