namespace OrleansRecorder.Silo.Catalog;

/// <summary>Recordings with each problem kind in a period (one recording may count under several), and the newest of them.</summary>
internal sealed record ProblemSummary(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<ProblemRecording> Newest);
