using System.Globalization;

namespace OrleansRecorder.Silo.Recording;

/// <summary>The on-disk layout under the data directory (ARCHITECTURE.md, storage layout).</summary>
internal static class RecordingPaths
{
    public const string SessionFileName = "session.json";
    public const string NearEndFileName = "near.pcm";
    public const string FarEndFileName = "far.pcm";

    /// <summary>A channel's segment: the near and far end's for 0 and 1, <c>ch{n}.pcm</c> for a SIPREC session's others.</summary>
    public static string ChannelFileName(int channel) => channel switch
    {
        0 => NearEndFileName,
        1 => FarEndFileName,
        _ => string.Create(CultureInfo.InvariantCulture, $"ch{channel}.pcm"),
    };

    public const string SegmentsFolder = "segments";

    /// <summary>The folder of the finalized recordings and their manifests under the data directory.</summary>
    public const string RecordingsFolder = "recordings";

    public static string SegmentsRoot(RecordingOptions options) => Path.Combine(options.DataDirectory, SegmentsFolder);

    public static string OrphanedSegmentsRoot(RecordingOptions options) => Path.Combine(options.DataDirectory, "segments-orphaned");

    public static string SegmentDirectory(RecordingOptions options, string recordingId) => Path.Combine(SegmentsRoot(options), recordingId);

    /// <summary><c>recordings/{yyyy}/{MM}/{dd}</c>, dated by the UTC start of the call.</summary>
    public static string RecordingDirectory(RecordingOptions options, DateTimeOffset startedAt)
    {
        var utc = startedAt.UtcDateTime;
        return Path.Combine(
            options.DataDirectory,
            RecordingsFolder,
            utc.ToString("yyyy", CultureInfo.InvariantCulture),
            utc.ToString("MM", CultureInfo.InvariantCulture),
            utc.ToString("dd", CultureInfo.InvariantCulture));
    }

    /// <summary>Recording ids become file names: reject anything that could escape the directory.</summary>
    public static void ValidateRecordingId(string recordingId) => RecordingIds.Validate(recordingId);
}
