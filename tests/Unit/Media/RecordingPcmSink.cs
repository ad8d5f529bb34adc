using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>Records everything written to it (silence as zeros, and as a list of runs) and lets a test wait for a sample count.</summary>
internal sealed class RecordingPcmSink : IPcmSink
{
    private readonly Lock _gate = new();
    private readonly List<short> _samples = [];
    private readonly List<int> _silences = [];
    private readonly List<int> _writes = [];
    private TaskCompletionSource? _waiter;
    private int _waitFor;

    public int FirstPacketCalls { get; private set; }

    public long? FirstPacketTimestamp { get; private set; }

    public short[] Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>The lengths of the silence runs written, in order.</summary>
    public int[] Silences
    {
        get
        {
            lock (_gate)
            {
                return [.. _silences];
            }
        }
    }

    /// <summary>The lengths of the audio writes, in order.</summary>
    public int[] Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count;
            }
        }
    }

    /// <summary>Telephone events reported: (event code, sample offset in the leg, duration in ms).</summary>
    public List<(int Code, long Offset, int Milliseconds)> Events { get; } = [];

    /// <summary>The rate the reorderer announced (0: none).</summary>
    public int SampleRate { get; private set; }

    public void OnSampleRate(int sampleRate) => SampleRate = sampleRate;

    public void OnTelephoneEvent(int eventCode, long sampleOffset, int durationMilliseconds) =>
        Events.Add((eventCode, sampleOffset, durationMilliseconds));

    public void OnFirstPacket(long arrivalTimestamp)
    {
        lock (_gate)
        {
            FirstPacketCalls++;
            FirstPacketTimestamp = arrivalTimestamp;
        }
    }

    public void Write(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            Assert.Equal(1, FirstPacketCalls);
            _writes.Add(samples.Length);
            foreach (var sample in samples)
            {
                _samples.Add(sample);
            }

            Signal();
        }
    }

    /// <summary>Why each silence was written, when the receiver said (<see cref="IPcmSink.WriteSilence(int, SilenceCause)"/>).</summary>
    public List<SilenceCause> SilenceCauses { get; } = [];

    public void WriteSilence(int sampleCount, SilenceCause cause)
    {
        lock (_gate)
        {
            SilenceCauses.Add(cause);
        }

        WriteSilence(sampleCount);
    }

    public void WriteSilence(int sampleCount)
    {
        lock (_gate)
        {
            Assert.True(sampleCount > 0);
            _silences.Add(sampleCount);
            _samples.AddRange(new short[sampleCount]);
            Signal();
        }
    }

    public Task WaitForSamplesAsync(int count)
    {
        lock (_gate)
        {
            _waitFor = count;
            _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Signal();
            return _waiter.Task;
        }
    }

    private void Signal()
    {
        if (_waiter is not null && _samples.Count >= _waitFor)
        {
            _waiter.TrySetResult();
        }
    }
}
