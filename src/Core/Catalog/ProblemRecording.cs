namespace OrleansRecorder.Silo.Catalog;

/// <summary>A recording with problems (<see cref="RecordingProblems"/> kinds), as the dashboard links it.</summary>
internal sealed record ProblemRecording(string Id, DateTimeOffset StartedAt, string? NearNumber, string? FarNumber, IReadOnlyList<string> Problems);
