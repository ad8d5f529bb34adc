using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Web;

namespace OrleansRecorder.Tests.Unit.Security;

/// <summary>Issue 19, finding 8: bidirectional controls shown visibly, trunk metadata cut to a bound, private files.</summary>
public sealed class DisplayHardeningTests
{
    [Theory]
    [InlineData("1002", "1002")]
    [InlineData("\u202E2001", "<U+202E>2001")]
    [InlineData("a\u2066b\u2069c\u200E\u200F", "a<U+2066>b<U+2069>c<U+200E><U+200F>")]
    [InlineData("Zoë \u05D0", "Zoë \u05D0")] // letters of any script are left alone
    public void BidiControlsAreShownAsTheirCodes(string value, string expected) => Assert.Equal(expected, BidiText.Neutralise(value));

    [Fact]
    public void CsvCellsNeutraliseBidiControls()
    {
        // "=1+1" behind an override would both reorder and, without the quote, be a formula.
        Assert.Equal("'=1<U+202E>1", AuditEndpoints.Field("=1\u202E1"));
        Assert.DoesNotContain('\u202E', AuditEndpoints.Field("x\u202Ey"));
    }

    [Fact]
    public void TrunkMetadataIsCutTo256Characters()
    {
        var device = "SEP" + new string('A', 5000);
        var from = SipUri.Parse($"sip:1001@10.0.0.1;x-nearend;x-refci=42;x-nearenddevice={device};x-farendaddr={new string('9', 300)}");
        var request = SipUri.Parse($"sip:{new string('p', 400)}@10.0.0.2");
        var (metadata, _) = CucmMetadataParser.Parse(from, request);
        Assert.Equal(CucmMetadataParser.MaxValueLength, metadata.NearEndDevice!.Length);
        Assert.StartsWith("SEPAAA", metadata.NearEndDevice, StringComparison.Ordinal);
        Assert.Equal(CucmMetadataParser.MaxValueLength, metadata.FarEndAddress!.Length);
        Assert.Equal(CucmMetadataParser.MaxValueLength, metadata.Profile!.Length);
        Assert.Equal("42", metadata.RefCi);
        Assert.Equal("profile", CucmMetadataParser.OverlongField(from, request));
        Assert.Equal("x-nearenddevice", CucmMetadataParser.OverlongField(from, SipUri.Parse("sip:p@10.0.0.2")));
        Assert.Null(CucmMetadataParser.OverlongField(SipUri.Parse("sip:1001@10.0.0.1;x-refci=42"), SipUri.Parse("sip:p@10.0.0.2")));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task SecretsAndTheDatabaseArePrivateFromCreation()
    {
        var root = Directory.CreateTempSubdirectory("private-").FullName;
        try
        {
            var directory = Path.Combine(root, "data", "inner");
            PrivateFiles.CreateDirectory(directory);
            Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(directory));
            var secret = Path.Combine(directory, "secret");
            await File.WriteAllTextAsync(secret, "old", TestContext.Current.CancellationToken);
            File.SetUnixFileMode(secret, (UnixFileMode)0b110_100_100); // a 0644 file from an older release
            await PrivateFiles.WriteSecretAsync(secret, "new", TestContext.Current.CancellationToken);
            Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(secret));
            Assert.Equal("new", await File.ReadAllTextAsync(secret, TestContext.Current.CancellationToken));
            var db = Path.Combine(directory, "cluster.db");
            PrivateFiles.CreateEmpty(db);
            PrivateFiles.CreateEmpty(db); // twice: no error
            Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(db));
            Assert.Single(Directory.GetFiles(directory, "secret*"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
