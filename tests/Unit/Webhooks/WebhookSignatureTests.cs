using System.Security.Cryptography;
using System.Text;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>
/// The delivery signature: HMAC-SHA256 (RFC 2104) over <c>timestamp "." body</c>. The reference here is HMAC written
/// from its definition (RFC 2104 §2) on SHA-256 alone, itself checked with RFC 4231 test case 2.
/// </summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test-secret-0123456789";
    private const long Timestamp = 1_764_900_000;
    private const string Body = "{\"id\":\"call.started/r1\",\"type\":\"call.started\"}";

    // Written once from Python's hmac module for the inputs above; the test below also derives it from RFC 2104.
    private const string Vector = "9afa1c71b819f37f1f6c85281b594e327bbb52e619b20ea2d2dcc52f5138420f";

    [Fact]
    public void ReferenceHmacMatchesRfc4231TestCase2()
    {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            Convert.ToHexStringLower(Rfc2104HmacSha256(Encoding.ASCII.GetBytes("Jefe"), Encoding.ASCII.GetBytes("what do ya want for nothing?"))));
    }

    [Fact]
    public void SignatureIsHmacSha256OfTimestampDotBody()
    {
        var reference = Convert.ToHexStringLower(Rfc2104HmacSha256(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{Timestamp}.{Body}")));
        Assert.Equal(Vector, reference);
        Assert.Equal(Vector, WebhookSignature.Compute(Secret, Timestamp, Body));
        Assert.Equal($"t={Timestamp},v1={Vector}", WebhookSignature.Header(Secret, Timestamp, Body));
    }

    [Fact]
    public void VerifyAcceptsTheSignatureAndRefusesAnyChange()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(Timestamp + 30);
        var tolerance = TimeSpan.FromMinutes(5);
        var header = WebhookSignature.Header(Secret, Timestamp, Body);
        Assert.True(WebhookSignature.Verify(header, Secret, Body, now, tolerance));
        Assert.False(WebhookSignature.Verify(header, Secret + "x", Body, now, tolerance));
        Assert.False(WebhookSignature.Verify(header, Secret, Body + " ", now, tolerance));
        Assert.False(WebhookSignature.Verify(header.Replace($"t={Timestamp}", $"t={Timestamp + 1}", StringComparison.Ordinal), Secret, Body, now, tolerance));
        // A replay outside the tolerance is refused although the signature is right.
        Assert.False(WebhookSignature.Verify(header, Secret, Body, now.AddMinutes(10), tolerance));
        // One of several v1 values may match (a receiver that knows an old and a new secret).
        Assert.True(WebhookSignature.Verify($"t={Timestamp},v1={new string('0', 64)},v1={Vector}", Secret, Body, now, tolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=9afa")]
    [InlineData("t=1764900000")]
    [InlineData("t=abc,v1=9afa1c71b819f37f1f6c85281b594e327bbb52e619b20ea2d2dcc52f5138420f")]
    [InlineData("garbage")]
    public void VerifyRefusesMalformedHeaders(string? header) =>
        Assert.False(WebhookSignature.Verify(header, Secret, Body, DateTimeOffset.FromUnixTimeSeconds(Timestamp), TimeSpan.FromMinutes(5)));

    [Fact]
    public void GeneratedSecretsAreLongRandomAndValid()
    {
        var a = WebhookSignature.NewSecret();
        Assert.NotEqual(a, WebhookSignature.NewSecret());
        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Empty(WebhookSubscriptionValidator.Validate(null, null, a, null, creating: false));
    }

    /// <summary>RFC 2104 §2: H(K XOR opad, H(K XOR ipad, text)), B = 64 for SHA-256, keys longer than B hashed first.</summary>
    private static byte[] Rfc2104HmacSha256(byte[] key, byte[] text)
    {
        const int blockSize = 64;
        if (key.Length > blockSize)
        {
            key = SHA256.HashData(key);
        }

        var padded = new byte[blockSize];
        key.CopyTo(padded, 0);
        var inner = padded.Select(b => (byte)(b ^ 0x36)).Concat(text).ToArray();
        var outer = padded.Select(b => (byte)(b ^ 0x5c)).Concat(SHA256.HashData(inner)).ToArray();
        return SHA256.HashData(outer);
    }
}
