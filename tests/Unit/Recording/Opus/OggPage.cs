namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>One parsed Ogg page.</summary>
internal sealed record OggPage(
    byte Version,
    byte Flags,
    long GranulePosition,
    int SerialNumber,
    uint SequenceNumber,
    uint Crc,
    byte[] LacingValues,
    byte[] Body)
{
    public bool IsContinuation => (Flags & 0x01) != 0;

    public bool IsBeginningOfStream => (Flags & 0x02) != 0;

    public bool IsEndOfStream => (Flags & 0x04) != 0;
}
