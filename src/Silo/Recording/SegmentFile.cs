using System.Buffers;
using OrleansRecorder.Silo.Encryption;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Opens a call's segment file (a leg's PCM, a gap journal, the finalizer's temporary audio) plain or encrypted: with
/// the call's key (<c>segmentKey</c> of <c>session.json</c>, unwrapped) it is the <c>ORSR1</c> record format, else raw
/// bytes. The one place that tells the two apart, so the finalizer and recovery read both alike.
/// </summary>
internal static class SegmentFile
{
    private const int ReadBufferSize = 64 * 1024;

    /// <summary>
    /// A new segment or journal of a call in progress: the plain file with a buffer of <paramref name="plainBufferSize"/>,
    /// or the encrypted one with a record buffer of <paramref name="recordBufferSize"/> (a segment's holds a flush
    /// interval of audio; a journal's, 13 bytes a gap, is small so that a call's journals do not each hold 32 KiB), rented
    /// from <paramref name="pool"/> (<see cref="Media.LegBufferPool.Bytes"/> by default) and returned when it is disposed.
    /// </summary>
    public static ISegmentOutput CreateOutput(string path, byte[]? key, int plainBufferSize, int recordBufferSize = SegmentRecordHeader.RecordBufferSize,
        ArrayPool<byte>? pool = null) =>
        key is null ? new PlainSegmentOutput(path, plainBufferSize, pool) : new SegmentRecordWriter(path, key, recordBufferSize: recordBufferSize, pool: pool);

    /// <summary>A file to stream into, replacing any left by a crash (the finalizer's temporary audio).</summary>
    public static Stream CreateTemporary(string path, byte[]? key) =>
        key is null
            ? new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, ReadBufferSize)
            : new SegmentRecordWriter(path, key, FileMode.Create);

    /// <summary>Forces a stream from <see cref="CreateTemporary"/> to disk.</summary>
    public static void FlushToDisk(Stream stream)
    {
        switch (stream)
        {
            case SegmentRecordWriter records:
                records.Flush(flushToDisk: true);
                break;
            case FileStream file:
                file.Flush(flushToDisk: true);
                break;
            default:
                stream.Flush();
                break;
        }
    }

    /// <summary>The plaintext, sequentially; <see cref="Stream.Length"/> is its length (whole records only when encrypted).</summary>
    public static Stream OpenRead(string path, byte[]? key) =>
        key is null
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, ReadBufferSize, useAsync: true)
            : SegmentRecordReader.Open(path, key);

    /// <summary>
    /// <see cref="OpenRead"/>, or null when the file is missing: the finalizer opens each segment once and takes its
    /// length from the open stream (a stat or a second open of an encrypted segment, to count its records, saved).
    /// </summary>
    public static Stream? TryOpenRead(string path, byte[]? key)
    {
        try
        {
            return OpenRead(path, key);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The whole plaintext (a gap journal: 13 bytes a gap); empty when missing.</summary>
    public static byte[] ReadAllBytes(string path, byte[]? key)
    {
        if (key is null)
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : [];
        }

        if (!File.Exists(path))
        {
            return [];
        }

        using var reader = SegmentRecordReader.Open(path, key);
        var bytes = new byte[reader.Length];
        reader.ReadExactly(bytes);
        return bytes;
    }
}
