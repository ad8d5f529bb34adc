using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>A sink whose writes wait until the test opens it: holds a receiver in the middle of writing what it read.</summary>
internal sealed class GatedPcmSink : IPcmSink
{
    private readonly ManualResetEventSlim _open = new();
    private long _samples;

    /// <summary>Set once a write is waiting at the gate.</summary>
    public ManualResetEventSlim Waiting { get; } = new();

    public long Samples => Interlocked.Read(ref _samples);

    public void Open() => _open.Set();

    public void OnFirstPacket(long arrivalTimestamp)
    {
    }

    public void Write(ReadOnlySpan<short> samples)
    {
        Waiting.Set();
        _open.Wait(TimeSpan.FromSeconds(30));
        Interlocked.Add(ref _samples, samples.Length);
    }

    public void WriteSilence(int sampleCount)
    {
    }
}
