using System.Buffers.Binary;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Where a leg's segment holds silence the receiver wrote instead of audio (loss, a timestamp jump, an operator's
/// pause): <c>near.pcm.gaps</c> beside <c>near.pcm</c>, append-only records of (leg sample offset, samples, kind),
/// 13 bytes each, little-endian. Kept on disk, not in memory, so that a recovered or replicated segment directory still
/// knows its gaps; <see cref="Read"/> merges what touches.
/// </summary>
internal static class LegGapJournal
{
    public const string Suffix = ".gaps";

    /// <summary>Silence the RTP receiver filled in for packets missing by sequence number (or a caller that did not say why).</summary>
    public const byte FillKind = 0;

    /// <summary>Audio that came during an operator's pause and was written as silence.</summary>
    public const byte OperatorKind = 1;

    /// <summary>Silence for time in which the sender sent nothing and no packet is missing (held, silent without comfort noise).</summary>
    public const byte SilentKind = 2;

    public const int RecordSize = 13;

    public static string PathFor(string segmentPath) => segmentPath + Suffix;

    /// <summary>One record into <paramref name="destination"/> (at least <see cref="RecordSize"/> bytes).</summary>
    public static void Encode(Span<byte> destination, long offset, int samples, byte kind)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], samples);
        destination[12] = kind;
    }

    /// <summary>
    /// The journal's intervals in order, adjacent ones of the same kind merged, a torn last record ignored (a killed
    /// process), clipped to <paramref name="legSamples"/> (the segment may have lost its unflushed tail). Empty when absent.
    /// With <paramref name="key"/> the journal is encrypted like its segment (<see cref="SegmentFile"/>).
    /// </summary>
    public static IReadOnlyList<LegGap> Read(string segmentPath, long legSamples, byte[]? key = null)
    {
        var bytes = SegmentFile.ReadAllBytes(PathFor(segmentPath), key);
        var gaps = new List<LegGap>();
        for (var at = 0; at + RecordSize <= bytes.Length; at += RecordSize)
        {
            var record = bytes.AsSpan(at, RecordSize);
            var offset = BinaryPrimitives.ReadInt64LittleEndian(record);
            long samples = BinaryPrimitives.ReadInt32LittleEndian(record[8..]);
            var kind = record[12];
            if (offset < 0 || samples <= 0 || offset >= legSamples)
            {
                continue;
            }

            samples = Math.Min(samples, legSamples - offset);
            if (gaps.Count > 0 && gaps[^1] is var last && last.Kind == kind && last.Offset + last.Samples == offset)
            {
                gaps[^1] = last with { Samples = last.Samples + samples };
            }
            else if (gaps.Count == 0 || gaps[^1].Offset + gaps[^1].Samples <= offset)
            {
                gaps.Add(new LegGap(offset, samples, kind));
            }

            // An overlapping or backwards record cannot come from one writer; ignoring it keeps the ledger's sum exact.
        }

        return gaps;
    }
}
