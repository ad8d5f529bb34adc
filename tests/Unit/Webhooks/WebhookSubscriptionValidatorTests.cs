using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>What an admin may enter for a subscription, field by field.</summary>
public sealed class WebhookSubscriptionValidatorTests
{
    private const string GoodSecret = "0123456789abcdef";

    [Theory]
    [InlineData("https://receiver.example/hooks")]
    [InlineData("http://127.0.0.1:8099/x?y=1")]
    [InlineData("https://[::1]/hook")]
    public void AbsoluteHttpUrlsAreAccepted(string url) =>
        Assert.Empty(WebhookSubscriptionValidator.Validate(url, ["alarm"], GoodSecret, null, creating: true));

    [Theory]
    [InlineData("/relative/path")]
    [InlineData("receiver.example/hooks")]
    [InlineData("ftp://receiver.example/hooks")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://user:pass@receiver.example/hooks")]
    [InlineData("https://receiver.example/hooks#frag")]
    [InlineData("")]
    public void OtherUrlsAreRefused(string url) =>
        Assert.Equal(["url"], WebhookSubscriptionValidator.Validate(url, ["alarm"], GoodSecret, null, creating: true).Keys);

    [Fact]
    public void AnOverlongUrlIsRefused() =>
        Assert.Contains("url", WebhookSubscriptionValidator.Validate("https://a.example/" + new string('x', 2100), ["alarm"], null, null, creating: true).Keys);

    [Fact]
    public void EventsMustBeKnownAndNotEmpty()
    {
        Assert.Empty(WebhookSubscriptionValidator.Validate("https://a.example/", WebhookEventTypes.All, null, null, creating: true));
        Assert.Contains("events", WebhookSubscriptionValidator.Validate("https://a.example/", [], null, null, creating: true).Keys);
        Assert.Contains("events", WebhookSubscriptionValidator.Validate("https://a.example/", null, null, null, creating: true).Keys);
        var unknown = WebhookSubscriptionValidator.Validate("https://a.example/", ["call.started", "call.exploded"], null, null, creating: true);
        Assert.Contains("call.exploded", Assert.Single(unknown["events"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void SecretLengthIsBounded(int length, bool accepted) =>
        Assert.Equal(accepted, !WebhookSubscriptionValidator.Validate(null, null, new string('s', length), null, creating: false).ContainsKey("secret"));

    [Fact]
    public void ASecretWithControlCharactersIsRefused() =>
        Assert.Contains("secret", WebhookSubscriptionValidator.Validate(null, null, "0123456789abcdef\n", null, creating: false).Keys);

    [Fact]
    public void AnUpdateMayLeaveEveryFieldOutButACreateMayNot()
    {
        Assert.Empty(WebhookSubscriptionValidator.Validate(null, null, null, null, creating: false));
        Assert.Equal(["url", "events"], WebhookSubscriptionValidator.Validate(null, null, null, null, creating: true).Keys);
        Assert.Contains("description", WebhookSubscriptionValidator.Validate(null, null, null, new string('d', 201), creating: false).Keys);
    }
}
