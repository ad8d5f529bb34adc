using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>A sink that only counts (allocates nothing), for the allocation test.</summary>
internal sealed class CountingPcmSink : IPcmSink
{
    public long Samples { get; private set; }

    public long Silence { get; private set; }

    public long Checksum { get; private set; }

    public void OnFirstPacket(long arrivalTimestamp)
    {
    }

    public void Write(ReadOnlySpan<short> samples)
    {
        Samples += samples.Length;
        foreach (var sample in samples)
        {
            Checksum += sample;
        }
    }

    public void WriteSilence(int sampleCount) => Silence += sampleCount;
}
