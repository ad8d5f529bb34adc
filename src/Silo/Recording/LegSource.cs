namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// One channel's segment placed on the output timeline: <see cref="Lead"/> frames of silence, then <see cref="Samples"/>
/// samples (none: a channel that stays silent, <see cref="Path"/> is not opened). <see cref="Key"/> is the call's segment
/// key when the segment is encrypted; <see cref="Upsampled"/> reads a narrowband segment at twice its rate.
/// </summary>
internal readonly record struct LegSource(string Path, long Lead, long Samples, byte[]? Key = null, bool Upsampled = false)
{
    public Stream? Open()
    {
        if (Samples <= 0)
        {
            return null;
        }

        var stream = SegmentFile.OpenRead(Path, Key);
        return Upsampled ? new UpsampledStream(stream) : stream;
    }

    /// <summary>Fills <paramref name="count"/> samples for output frames starting at <paramref name="frame"/>; reads are sequential.</summary>
    public async ValueTask ReadBlockAsync(Stream? stream, byte[] buffer, long frame, int count, CancellationToken cancellationToken)
    {
        buffer.AsSpan(0, count * sizeof(short)).Clear();
        var start = Math.Max(frame, Lead);
        var end = Math.Min(frame + count, Lead + Samples);
        if (stream is null || start >= end)
        {
            return;
        }

        var offset = (int)(start - frame) * sizeof(short);
        var length = (int)(end - start) * sizeof(short);
        await stream.ReadExactlyAsync(buffer.AsMemory(offset, length), cancellationToken);
    }
}
