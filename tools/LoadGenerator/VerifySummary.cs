namespace OrleansRecorder.LoadGenerator;

/// <summary>What <see cref="RecordingVerifier"/> found: recordings checked, and the first few problems.</summary>
internal sealed record VerifySummary
{
    public int CallsChecked { get; init; }
    public int RecordingsFound { get; init; }
    public int RecordingsComplete { get; init; }
    public long PacketsReceived { get; init; }
    public long PacketsLost { get; init; }
    public int TonesChecked { get; init; }
    public int TonesOk { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
    public bool Passed => Problems.Count == 0;
}
