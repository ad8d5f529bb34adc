using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

public sealed class DiskHealthTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void WritableDirectoryWithEnoughSpaceIsHealthy()
    {
        var health = new DiskHealth(new RecordingOptions { DataDirectory = Path.Combine(_directory.Path, "data"), MinFreeBytes = 0 });

        Assert.True(health.IsWritable(out var reason), reason);
        Assert.Empty(reason);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_directory.Path, "data")));
    }

    [Fact]
    public void TooLittleFreeSpaceIsUnhealthy()
    {
        var health = new DiskHealth(new RecordingOptions { DataDirectory = _directory.Path, MinFreeBytes = long.MaxValue });

        Assert.False(health.IsWritable(out var reason));
        Assert.Contains("free", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DataDirectoryThatCannotBeCreatedIsUnhealthy()
    {
        var file = Path.Combine(_directory.Path, "a-file");
        File.WriteAllText(file, "x");
        var health = new DiskHealth(new RecordingOptions { DataDirectory = Path.Combine(file, "data"), MinFreeBytes = 0 });

        Assert.False(health.IsWritable(out var reason));
        Assert.Contains("not writable", reason, StringComparison.Ordinal);
    }
}
