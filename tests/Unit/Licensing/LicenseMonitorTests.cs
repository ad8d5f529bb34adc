using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Licensing;

namespace OrleansRecorder.Tests.Unit.Licensing;

public sealed class LicenseMonitorTests : IDisposable
{
    private readonly LicenseTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void AValidLicenceDropsToNoChannelsOnceItExpiresWithoutARefresh()
    {
        var monitor = Monitor(_files.Write(LicenseTestFiles.Document(channels: 12)));
        Assert.Equal(12, monitor.Channels);
        Assert.Null(monitor.Problem);

        _files.Time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(0, monitor.Channels);
        Assert.Equal("expired on 2026-03-31 09:00:00 UTC", monitor.Problem);
        Assert.Equal(LicenseKind.Invalid, monitor.Current.Kind);
    }

    [Fact]
    public void RefreshPicksUpARenewedLicenceFile()
    {
        var path = _files.Write(LicenseTestFiles.Document(role: "backup"));
        var monitor = Monitor(path);
        Assert.Equal(0, monitor.Channels);
        Assert.Equal("issued for role backup, this node is primary", monitor.Problem);

        _files.Write(LicenseTestFiles.Document(channels: 8));
        Assert.Equal(0, monitor.Channels);

        var state = monitor.Refresh();

        Assert.Equal(LicenseKind.Valid, state.Kind);
        Assert.Equal(8, monitor.Channels);
        Assert.Null(monitor.Problem);
    }

    [Fact]
    public void WithoutALicenceFileTheProblemIsTheEvaluationWarning()
    {
        var monitor = LicenseMonitor.Create(new LicenseOptions(), "rec-a", "primary", _files.Time, NullLogger<LicenseMonitor>.Instance);

        Assert.Equal(4, monitor.Channels);
        Assert.Equal(LicenseKind.Evaluation, monitor.Current.Kind);
        Assert.Equal("no licence file: evaluation licence, 4 channels", monitor.Problem);
    }

    [Fact]
    public void CreateReadsTheLicenceSettings()
    {
        var options = new LicenseOptions { File = _files.Write(LicenseTestFiles.Document(channels: 6)), PublicKey = _files.PublicKeyPath };

        var monitor = LicenseMonitor.Create(options, "rec-a", "primary", _files.Time, NullLogger<LicenseMonitor>.Instance);

        Assert.Equal(6, monitor.Channels);
    }

    [Fact]
    public async Task ConcurrentReadersAndRefreshesSeeAWholeState()
    {
        var monitor = Monitor(_files.Write(LicenseTestFiles.Document(channels: 5)));
        var ct = TestContext.Current.CancellationToken;

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var state = monitor.Current;
                Assert.Equal(LicenseKind.Valid, state.Kind);
                Assert.Equal(5, state.Channels);
                if (i % 50 == 0)
                {
                    monitor.Refresh();
                }
            }
        }, ct));

        await Task.WhenAll(readers);
        Assert.Equal(5, monitor.Channels);
    }

    private LicenseMonitor Monitor(string licensePath) =>
        new(_files.Verifier(), licensePath, _files.PublicKeyPath, "rec-a", "primary", _files.Time, NullLogger<LicenseMonitor>.Instance);
}
