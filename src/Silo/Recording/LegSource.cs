namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// One channel's segment placed on the output timeline: <see cref="Lead"/> frames of silence, then <see cref="Samples"/>
/// samples (none: a channel that stays silent, <see cref="Path"/> is not opened).
/// </summary>
internal readonly record struct LegSource(string Path, long Lead, long Samples)
{
    public FileStream? Open() =>
        Samples > 0 ? new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, useAsync: true) : null;

    /// <summary>Fills <paramref name="count"/> samples for output frames starting at <paramref name="frame"/>; reads are sequential.</summary>
    public async ValueTask ReadBlockAsync(FileStream? stream, byte[] buffer, long frame, int count, CancellationToken cancellationToken)
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
