namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>
/// One kind of stall, in milliseconds: the largest and the 99th percentile of the <see cref="Samples"/> of the last
/// minute, and the largest since the node started (what a measurement reads after the event it provoked).
/// </summary>
internal sealed record StallSummary(double MaxMilliseconds, double P99Milliseconds, int Samples, double MaxSinceStartMilliseconds,
    long SamplesSinceStart);
