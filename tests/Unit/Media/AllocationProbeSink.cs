using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>
/// A sink that notes the writing thread's allocated-byte count at two given writes, so a test can see what the
/// receive thread allocated in between (the sink itself allocates nothing).
/// </summary>
internal sealed class AllocationProbeSink(int firstWrite, int lastWrite) : IPcmSink
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writes;

    public long AllocatedAtFirst { get; private set; }

    public long AllocatedAtLast { get; private set; }

    public Task Done => _done.Task;

    public void OnFirstPacket(long arrivalTimestamp)
    {
    }

    public void Write(ReadOnlySpan<short> samples)
    {
        _writes++;
        if (_writes == firstWrite)
        {
            AllocatedAtFirst = GC.GetAllocatedBytesForCurrentThread();
        }
        else if (_writes == lastWrite)
        {
            AllocatedAtLast = GC.GetAllocatedBytesForCurrentThread();
            _done.TrySetResult();
        }
    }

    public void WriteSilence(int sampleCount)
    {
    }
}
