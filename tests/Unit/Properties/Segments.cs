using System.Buffers;

namespace OrleansRecorder.Tests.Unit.Properties;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> of several segments, as a <c>PipeReader</c> hands them out.</summary>
internal static class Segments
{
    /// <summary>Splits <paramref name="bytes"/> at the given offsets (sorted, de-duplicated, out-of-range ones ignored).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, IEnumerable<int> splits)
    {
        var points = splits.Where(s => s > 0 && s < bytes.Length).Distinct().Order().ToList();
        points.Add(bytes.Length);
        Segment? first = null;
        Segment? last = null;
        var start = 0;
        foreach (var point in points)
        {
            // Each segment gets its own array, so a parser that reads past a segment's end cannot see the next bytes.
            var chunk = bytes.AsMemory(start, point - start).ToArray();
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
            start = point;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
