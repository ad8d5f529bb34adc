namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// One channel's segment placed on the output timeline: <see cref="Lead"/> frames of silence, then <see cref="Samples"/>
/// samples (none: a channel that stays silent, <see cref="Segment"/> is not read). <see cref="Segment"/> is the segment's
/// plaintext, opened once by the finalizer (its length gave <see cref="Samples"/>); <see cref="Upsampled"/> reads a
/// narrowband segment at twice its rate.
/// </summary>
internal readonly record struct LegSource(Stream? Segment, long Lead, long Samples, bool Upsampled = false)
{
    /// <summary>The stream to read the samples from (disposing it disposes <see cref="Segment"/>); null when silent.</summary>
    public Stream? Open()
    {
        if (Samples <= 0 || Segment is null)
        {
            return null;
        }

        return Upsampled ? new UpsampledStream(Segment) : Segment;
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
