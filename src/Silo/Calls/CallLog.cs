using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Calls;

/// <summary>Call lifecycle logs (EventIds 4000–4999).</summary>
internal static partial class CallLog
{
    [LoggerMessage(4000, LogLevel.Information, "Leg {CallId} ({Role}) accepted into recording {RecordingId} on RTP port {RtpPort}")]
    public static partial void LegAccepted(ILogger logger, string callId, LegRole role, string recordingId, int rtpPort);

    [LoggerMessage(4001, LogLevel.Information, "Leg {CallId} ({Role}) ended: {Reason}")]
    public static partial void LegEnded(ILogger logger, string callId, LegRole role, string reason);

    [LoggerMessage(4002, LogLevel.Information, "Recording {RecordingId} finalized as {Status}, {DurationSeconds:F1} s, {Path}")]
    public static partial void RecordingFinalized(ILogger logger, string recordingId, RecordingStatus status, double durationSeconds, string path);

    [LoggerMessage(4003, LogLevel.Error, "Recording {RecordingId} could not be finalized; its segments stay on disk for the next start")]
    public static partial void RecordingFinalizeFailed(ILogger logger, string recordingId, Exception exception);

    [LoggerMessage(4004, LogLevel.Warning, "Call grain of recording {RecordingId} did not take the report; retrying with the latest state")]
    public static partial void GrainCallFailed(ILogger logger, string recordingId, Exception exception);

    [LoggerMessage(4022, LogLevel.Information, "Call grain of recording {RecordingId} caught up after {Seconds:F1} s of failed reports")]
    public static partial void GrainCaughtUp(ILogger logger, string recordingId, double seconds);

    [LoggerMessage(4023, LogLevel.Information, "Recording {RecordingId}: {Action} by {By}")]
    public static partial void OperatorControl(ILogger logger, string recordingId, CallControl action, string by);

    [LoggerMessage(4024, LogLevel.Warning, "Node {Node} did not list its calls in time ({Error}); left out of the cluster's active calls")]
    public static partial void NodeCallsUnavailable(ILogger logger, string node, string error);

    [LoggerMessage(4005, LogLevel.Warning, "{Method} {CallId} from {Remote} refused with {StatusCode}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string callId, string remote, int statusCode, string reason);

    [LoggerMessage(4006, LogLevel.Information, "Recording {RecordingId} metadata updated by {Method} on leg {CallId}")]
    public static partial void MetadataUpdated(ILogger logger, string recordingId, string method, string callId);

    [LoggerMessage(4030, LogLevel.Warning, "Leg {CallId}: CUCM metadata {Field} is longer than {Max} characters; stored cut to {Max}")]
    public static partial void MetadataTruncated(ILogger logger, string callId, string field, int max);

    [LoggerMessage(4031, LogLevel.Warning, "Leg {CallId}: ended before its SDP answer was read, with RTP held; recorded as {Codec} (payload type {PayloadType} of our offer)")]
    public static partial void ConfiguredFromOwnOffer(ILogger logger, string callId, Media.AudioCodec codec, int payloadType);

    [LoggerMessage(4007, LogLevel.Warning, "Leg {CallId}: the ACK carried no usable SDP answer")]
    public static partial void NoUsableAnswer(ILogger logger, string callId);

    [LoggerMessage(4008, LogLevel.Warning, "Leg {CallId}: no media for {IdleSeconds:F0} s, ending it")]
    public static partial void MediaTimeout(ILogger logger, string callId, double idleSeconds);

    [LoggerMessage(4009, LogLevel.Information, "Finalized interrupted recording {RecordingId} left by a previous run")]
    public static partial void RecoveredInterrupted(ILogger logger, string recordingId);

    [LoggerMessage(4011, LogLevel.Warning, "Could not read the recording users from the database; keeping the last list")]
    public static partial void RecordingUsersRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(4010, LogLevel.Error, "Unexpected failure handling {Method} {CallId}")]
    public static partial void HandlerFailed(ILogger logger, string method, string callId, Exception exception);

    [LoggerMessage(4012, LogLevel.Warning, "Overloaded: {Count} new calls refused with 503 since the last report; latest: {Reason}")]
    public static partial void Shed(ILogger logger, long count, string reason);

    [LoggerMessage(4020, LogLevel.Information, "Recording {RecordingId} discarded: every leg was cancelled before it was answered")]
    public static partial void RecordingDiscarded(ILogger logger, string recordingId);

    [LoggerMessage(4021, LogLevel.Information, "INVITE {CallId} from a trusted peer: its {Header} URI was taken despite an {Irregularity}")]
    public static partial void TolerantUri(ILogger logger, string callId, string header, string irregularity);
}
