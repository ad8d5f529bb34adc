namespace OrleansRecorder.LoadGenerator;

/// <summary>One reading of the measured process (/proc) beside the generator's own counters at that moment.</summary>
internal readonly record struct ProcessSample(double Seconds, long CpuTicks, long RssKilobytes, int ActiveLegs, long PacketsSent);
