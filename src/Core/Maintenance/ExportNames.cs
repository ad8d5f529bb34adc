using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>
/// How the export names a recording's audio: shared by the exporter (src/Silo) and <c>RecorderAdmin verify --export</c>,
/// which must find the files the exporter wrote.
/// </summary>
internal static class ExportNames
{
    /// <summary>The audio file extension of a recording: its format, if that is a plain short word, else <c>bin</c>.</summary>
    public static string AudioExtension(RecordingManifest manifest) =>
        manifest.Format is { Length: > 0 and <= 8 } format && format.All(char.IsAsciiLetterOrDigit) ? format.ToLowerInvariant() : "bin";
}
