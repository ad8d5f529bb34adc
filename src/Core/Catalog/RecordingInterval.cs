namespace OrleansRecorder.Silo.Catalog;

/// <summary>When a recording started and ended: one channel in use in between.</summary>
internal readonly record struct RecordingInterval(DateTimeOffset Start, DateTimeOffset End);
