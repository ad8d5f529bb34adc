using Microsoft.Win32.SafeHandles;

namespace OrleansRecorder.Silo.Recording;

/// <summary>A segment written as it comes (encryption off): raw bytes appended through a 16 KiB (or smaller) buffer.</summary>
internal sealed class PlainSegmentOutput(string path, int bufferSize) : ISegmentOutput
{
    private readonly FileStream _stream = new(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize);

    public SafeFileHandle Handle => _stream.SafeFileHandle;

    public void Write(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    public void Flush(bool flushToDisk) => _stream.Flush(flushToDisk);

    public void Dispose() => _stream.Dispose();
}
