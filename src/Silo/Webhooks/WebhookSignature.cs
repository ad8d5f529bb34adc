using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// The signature of a delivery: HMAC-SHA256 (RFC 2104 with SHA-256) keyed with the subscription secret (UTF-8) over
/// <c>{unix seconds} "." {body}</c>, sent as <c>X-Recorder-Signature: t={unix seconds},v1={lower-case hex}</c>.
/// The timestamp is signed with the body so a receiver can refuse old replays (<see cref="Verify"/>'s tolerance).
/// </summary>
internal static class WebhookSignature
{
    public const string HeaderName = "X-Recorder-Signature";
    public const string EventIdHeader = "X-Recorder-Event-Id";
    public const string EventTypeHeader = "X-Recorder-Event";
    public const string AttemptHeader = "X-Recorder-Attempt";

    /// <summary>A generated secret: <c>whsec_</c> and 32 random bytes in hex (shown once, like an API key).</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lower-case hex HMAC-SHA256 of <c>timestamp + "." + body</c>.</summary>
    public static string Compute(string secret, long timestamp, string body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(body);
        var message = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>The header value for one attempt.</summary>
    public static string Header(string secret, long timestamp, string body) =>
        string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Compute(secret, timestamp, body)}");

    /// <summary>
    /// What a receiver does: parse the header, check the timestamp is within <paramref name="tolerance"/> of
    /// <paramref name="now"/>, recompute and compare in constant time. Any <c>v1</c> may match (several during a secret change).
    /// </summary>
    public static bool Verify(string? header, string secret, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header) || string.IsNullOrEmpty(secret) || body is null)
        {
            return false;
        }

        long? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }

            var (key, value) = (part[..equals], part[(equals + 1)..]);
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (key == "v1")
            {
                signatures.Add(value);
            }
        }

        if (timestamp is not { } stamp || signatures.Count == 0
            || (now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(stamp, 0, 253402300799))).Duration() > tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, stamp, body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }
}
