using Microsoft.Win32.SafeHandles;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Where a leg's segment or gap journal is appended: the file as is (<see cref="PlainSegmentOutput"/>) or as encrypted
/// records (<see cref="Encryption.SegmentRecordWriter"/>). Written under the leg's lock; no allocation per write.
/// </summary>
internal interface ISegmentOutput : IDisposable
{
    void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Hands what was written to the operating system (an encrypted output seals it as one record), and to the disk when asked.</summary>
    void Flush(bool flushToDisk);

    /// <summary>The file's handle, for an fsync off the receive thread.</summary>
    SafeFileHandle Handle { get; }
}
