namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// What <see cref="GapLedger"/> needs of one channel: its leg's name, where its audio starts in the file
/// (<paramref name="Lead"/>, at the recording's rate), how many samples it wrote (at the recording's rate), the journalled
/// silences (at the leg's own rate, <paramref name="Scale"/> times fewer), and why the leg ended early if it did.
/// </summary>
internal sealed record GapChannel(
    string Leg,
    int Channel,
    long Lead,
    long Samples,
    IReadOnlyList<LegGap> Journal,
    int Scale,
    string? EndReason);
