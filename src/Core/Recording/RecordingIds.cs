namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Recording ids become file names: the check every writer and reader of a store makes, here so that the operator
/// tools (<c>RecorderAdmin</c>) make the same one as the server's <see cref="RecordingPaths"/>.
/// </summary>
internal static class RecordingIds
{
    /// <summary>Rejects anything that could escape the directory.</summary>
    public static void Validate(string recordingId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordingId);
        if (recordingId is "." or ".." || recordingId.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || recordingId.Contains('/') || recordingId.Contains('\\'))
        {
            throw new ArgumentException($"Recording id '{recordingId}' is not a valid file name.", nameof(recordingId));
        }
    }
}
