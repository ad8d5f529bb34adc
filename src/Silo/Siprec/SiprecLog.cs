namespace OrleansRecorder.Silo.Siprec;

/// <summary>Recording session logs (EventIds 4600–4649).</summary>
internal static partial class SiprecLog
{
    [LoggerMessage(4600, LogLevel.Information, "Recording session {CallId} accepted into recording {RecordingId}: {Streams} stream(s), mapped by {Mapping}")]
    public static partial void Accepted(ILogger logger, string callId, string recordingId, int streams, string mapping);

    [LoggerMessage(4601, LogLevel.Warning, "Recording session {CallId}: no usable metadata ({Problem}); streams mapped by m-line order")]
    public static partial void MetadataMissing(ILogger logger, string callId, string problem);

    [LoggerMessage(4602, LogLevel.Information, "Recording session {CallId}: metadata updated by {Method}")]
    public static partial void MetadataUpdated(ILogger logger, string callId, string method);

    [LoggerMessage(4603, LogLevel.Warning, "Recording session {CallId}: {Count} stream(s) beyond the recording's two channels answered with port 0")]
    public static partial void StreamsNotRecorded(ILogger logger, string callId, int count);
}
