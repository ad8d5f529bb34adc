using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Benchmarks;

/// <summary>A sink that discards the PCM: the benchmarks measure the path up to it.</summary>
internal sealed class NullPcmSink : IPcmSink
{
    public void OnFirstPacket(long arrivalTimestamp)
    {
    }

    public void Write(ReadOnlySpan<short> samples)
    {
    }

    public void WriteSilence(int sampleCount)
    {
    }
}
