using System.Text;
using System.Text.Json.Nodes;
using OrleansRecorder.Silo.Licensing;

namespace OrleansRecorder.Tests.Unit.Licensing;

public sealed class LicenseVerifierTests : IDisposable
{
    private readonly LicenseTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ASignedLicenceForThisNodeAndRoleIsValidWithItsChannels()
    {
        var path = _files.Write(LicenseTestFiles.Document(channels: 30));

        var state = _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        Assert.Equal(LicenseKind.Valid, state.Kind);
        Assert.Equal(30, state.Channels);
        Assert.Null(state.Reason);
        Assert.Equal(LicenseTestFiles.Document(channels: 30), state.License);
        Assert.Equal(LicenseTestFiles.Start.AddDays(30), state.ExpiresAt);
    }

    [Fact]
    public void ThePublicKeyMayBeGivenAsPemTextWithEscapedNewlines()
    {
        var path = _files.Write(LicenseTestFiles.Document());
        var escaped = _files.PublicKeyPem.Replace("\n", "\\n", StringComparison.Ordinal);

        Assert.Equal(LicenseKind.Valid, _files.Verifier().Evaluate(path, _files.PublicKeyPem, "rec-a", "primary").Kind);
        Assert.Equal(LicenseKind.Valid, _files.Verifier().Evaluate(path, escaped, "rec-a", "primary").Kind);
    }

    [Fact]
    public void NodeNamesCompareCaseInsensitively()
    {
        var path = _files.Write(LicenseTestFiles.Document(node: "REC-A"));

        Assert.Equal(LicenseKind.Valid, _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary").Kind);
    }

    [Fact]
    public void ALicenceWithTamperedChannelsDoesNotVerify()
    {
        var path = _files.Write(LicenseTestFiles.Document(channels: 30));
        var envelope = JsonNode.Parse(File.ReadAllText(path))!;
        var payload = JsonNode.Parse(Convert.FromBase64String(envelope["license"]!.GetValue<string>()))!;
        payload["channels"] = 300;
        envelope["license"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        File.WriteAllText(path, envelope.ToJsonString());

        var state = _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        AssertInvalid(state, "signature does not verify");
        Assert.Null(state.License);
    }

    [Fact]
    public void ALicenceSignedByAnotherKeyDoesNotVerify()
    {
        var path = _files.Write(LicenseTestFiles.Document());
        using var otherKey = LicenseKeys.CreatePrivateKey();

        var state = _files.Verifier().Evaluate(path, otherKey.ExportSubjectPublicKeyInfoPem(), "rec-a", "primary");

        AssertInvalid(state, "signature does not verify");
    }

    [Fact]
    public void ALicenceIsInvalidFromTheInstantItExpiresAndSaysWhen()
    {
        var path = _files.Write(LicenseTestFiles.Document());
        var verifier = _files.Verifier();
        var expiresAt = LicenseTestFiles.Start.AddDays(30);

        _files.Time.Advance(expiresAt - LicenseTestFiles.Start - TimeSpan.FromSeconds(1));
        Assert.Equal(LicenseKind.Valid, verifier.Evaluate(path, _files.PublicKeyPath, "rec-a", "primary").Kind);

        _files.Time.Advance(TimeSpan.FromSeconds(1));
        var state = verifier.Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        AssertInvalid(state, "expired on 2026-03-31 09:00:00 UTC");
        Assert.True(state.IsExpiredAt(_files.Time.GetUtcNow()));
        Assert.Equal(expiresAt, state.ExpiresAt);
        Assert.NotNull(state.License);
    }

    [Fact]
    public void ALicenceForAnotherNodeIsInvalid()
    {
        var path = _files.Write(LicenseTestFiles.Document(node: "rec-b"));

        var state = _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        AssertInvalid(state, "issued for node rec-b, this node is rec-a");
    }

    [Fact]
    public void ABackupLicenceOnAPrimaryNodeIsInvalid()
    {
        var path = _files.Write(LicenseTestFiles.Document(role: "backup"));

        var state = _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        AssertInvalid(state, "issued for role backup, this node is primary");
    }

    [Fact]
    public void ALicenceIssuedInTheFutureIsInvalid()
    {
        var path = _files.Write(LicenseTestFiles.Document() with { IssuedAt = LicenseTestFiles.Start.AddHours(1) });

        var state = _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        AssertInvalid(state, "not valid before 2026-03-01 10:00:00 UTC");
    }

    [Fact]
    public void AMissingLicenceFileIsInvalid()
    {
        var path = Path.Combine(_files.Directory, "absent.lic");

        var state = _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        AssertInvalid(state, $"file not found: {path}");
    }

    [Theory]
    [InlineData("{ \"license\": ")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{ \"license\": \"***\", \"signature\": \"***\" }")]
    [InlineData("null")]
    public void AMalformedLicenceFileIsInvalid(string text)
    {
        var path = _files.WriteText(text, "malformed.lic");

        var state = _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        AssertInvalid(state, "malformed");
    }

    [Fact]
    public void ASignedPayloadThatIsNotALicenceDocumentIsMalformed()
    {
        var payload = Encoding.UTF8.GetBytes("{\"licenseId\":\"x\",\"node\":\"rec-a\"}");
        var signature = _files.Key.SignData(payload, System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var path = _files.WriteText(
            $"{{\"license\":\"{Convert.ToBase64String(payload)}\",\"signature\":\"{Convert.ToBase64String(signature)}\"}}", "partial.lic");

        var state = _files.Verifier().Evaluate(path, _files.PublicKeyPath, "rec-a", "primary");

        AssertInvalid(state, "malformed");
    }

    [Fact]
    public void NoLicenceFileMeansTheEvaluationLicenceWithFourChannels()
    {
        var state = _files.Verifier().Evaluate(null, null, "rec-a", "primary");

        Assert.Equal(LicenseKind.Evaluation, state.Kind);
        Assert.Equal(4, state.Channels);
        Assert.Equal("no licence file: evaluation licence, 4 channels", state.Reason);
        Assert.Null(state.License);
        Assert.False(state.IsExpiredAt(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void ConfigurationCanLowerButNotRaiseTheEvaluationChannels()
    {
        Assert.Equal(1, new LicenseVerifier(_files.Time, 1).Evaluate(" ", null, "rec-a", "primary").Channels);
        Assert.Equal(4, new LicenseVerifier(_files.Time, 100).Evaluate(null, null, "rec-a", "primary").Channels);
    }

    [Fact]
    public void ALicenceFileWithoutAPublicKeyIsInvalid()
    {
        var path = _files.Write(LicenseTestFiles.Document());

        AssertInvalid(_files.Verifier().Evaluate(path, null, "rec-a", "primary"), "no public key");
    }

    [Fact]
    public void APrivateKeyInThePublicKeySettingIsRefused()
    {
        var path = _files.Write(LicenseTestFiles.Document());

        var state = _files.Verifier().Evaluate(path, _files.Key.ExportPkcs8PrivateKeyPem(), "rec-a", "primary");

        AssertInvalid(state, "private key");
    }

    [Fact]
    public void AMissingPublicKeyFileIsInvalid()
    {
        var path = _files.Write(LicenseTestFiles.Document());

        var state = _files.Verifier().Evaluate(path, Path.Combine(_files.Directory, "absent.pem"), "rec-a", "primary");

        AssertInvalid(state, "public key file not found");
    }

    private static void AssertInvalid(LicenseState state, string reason)
    {
        Assert.Equal(LicenseKind.Invalid, state.Kind);
        Assert.Equal(0, state.Channels);
        Assert.Contains(reason, state.Reason, StringComparison.Ordinal);
    }
}
