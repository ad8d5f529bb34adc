namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>The finalized audio formats: manifest <c>format</c>, file extension and HTTP content type.</summary>
internal static class RecordingFormats
{
    public const string Wav = "wav";
    public const string Opus = "opus";

    /// <summary>The canonical name of a configured format (case-insensitive); throws on anything else.</summary>
    public static string Normalize(string? format) =>
        format?.Trim().ToLowerInvariant() switch
        {
            Wav => Wav,
            Opus => Opus,
            _ => throw new InvalidOperationException($"Recording format '{format}' is not supported; use '{Wav}' or '{Opus}'."),
        };

    /// <summary>File extension with the dot, as in <c>{id}.opus</c>.</summary>
    public static string Extension(string format) => "." + Normalize(format);

    /// <summary>RFC 7845 §9: Ogg Opus files are served as <c>audio/ogg</c>.</summary>
    public static string ContentType(string format) => Normalize(format) == Opus ? "audio/ogg" : "audio/wav";
}
