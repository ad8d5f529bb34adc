using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Licensing;

namespace OrleansRecorder.Tests.Unit.Licensing;

/// <summary>The licence tool's entry method (what tools/LicenseTool's Main calls), run in-process on temporary files.</summary>
public sealed class LicenseToolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("license-tool-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void KeygenThenIssueThenVerifyReportsAValidLicence()
    {
        var privateKey = Path.Combine(_directory, "issuer.key.pem");
        var publicKey = Path.Combine(_directory, "issuer.pub.pem");
        var license = Path.Combine(_directory, "rec-b.lic");

        Assert.Equal(0, Run(out _, out _, "keygen", "--private", privateKey, "--public", publicKey));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(privateKey), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(publicKey), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
        }

        Assert.Equal(0, Run(out _, out _, "issue", "--private", privateKey, "--node", "rec-b", "--role", "backup",
            "--channels", "16", "--days", "365", "--customer", "Contoso", "--out", license));

        Assert.Equal(0, Run(out var output, out _, "verify", "--public", publicKey, "--license", license, "--node", "rec-b", "--role", "backup"));
        Assert.Contains("kind: valid", output, StringComparison.Ordinal);
        Assert.Contains("channels: 16", output, StringComparison.Ordinal);
        Assert.Contains("customer: Contoso", output, StringComparison.Ordinal);
        Assert.Contains("expiresAt: 2027-03-01 09:00:00 UTC", output, StringComparison.Ordinal);

        var state = new LicenseVerifier(_time).Evaluate(license, publicKey, "rec-b", "backup");
        Assert.Equal(LicenseKind.Valid, state.Kind);
        Assert.Equal(16, state.Channels);

        Assert.Equal(1, Run(out output, out _, "verify", "--public", publicKey, "--license", license, "--node", "rec-b", "--role", "primary"));
        Assert.Contains("kind: invalid", output, StringComparison.Ordinal);
        Assert.Contains("reason: issued for role backup, this node is primary", output, StringComparison.Ordinal);
    }

    [Fact]
    public void KeygenDoesNotOverwriteAKey()
    {
        var privateKey = Path.Combine(_directory, "issuer.key.pem");
        File.WriteAllText(privateKey, "keep me");

        Assert.Equal(3, Run(out _, out var error, "keygen", "--private", privateKey, "--public", Path.Combine(_directory, "p.pem")));
        Assert.Contains("exists", error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(privateKey));
    }

    [Theory]
    [InlineData("", "Usage")]
    [InlineData("frobnicate", "unknown command 'frobnicate'")]
    [InlineData("keygen --private", "--private needs a value")]
    [InlineData("keygen --private a.pem", "missing --public")]
    [InlineData("keygen --private a.pem --public b.pem --force yes", "unknown option --force")]
    [InlineData("issue --private k --node n --role standby --channels 4 --days 30 --out o", "--role must be primary or backup")]
    [InlineData("issue --private k --node n --role primary --channels -4 --days 30 --out o", "--channels must be a whole number")]
    [InlineData("issue --private k --node n --role primary --channels many --days 30 --out o", "--channels must be a whole number")]
    [InlineData("issue --private k --node n --role primary --channels 4 --days 0 --out o", "--days must be a whole number")]
    [InlineData("verify --public p --license l --node n", "missing --role")]
    public void BadCommandLinesExitWithTwoAndSayWhy(string commandLine, string message)
    {
        var exitCode = Run(out _, out var error, commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void IssuingWithAMissingPrivateKeyExitsWithThree()
    {
        var exitCode = Run(out _, out var error, "issue", "--private", Path.Combine(_directory, "absent.pem"), "--node", "n",
            "--role", "primary", "--channels", "4", "--days", "30", "--out", Path.Combine(_directory, "o.lic"));

        Assert.Equal(3, exitCode);
        Assert.Contains("absent.pem", error, StringComparison.Ordinal);
    }

    private int Run(out string output, out string error, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = LicenseCli.Run(args, stdout, stderr, _time);
        output = stdout.ToString();
        error = stderr.ToString();
        return exitCode;
    }
}
