using System.Net;

namespace OrleansRecorder.Silo.Media;

/// <summary>Log messages of the media path (EventIds 2000–2999). Never called per packet.</summary>
internal static partial class MediaLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "RTP leg on port {Port} ended: received {Received}, lost {Lost}, late {Late}, duplicate {Duplicate}, reordered {Reordered}, wrong source {WrongSource}, malformed {Malformed}, unknown PT {UnknownPayloadType}, telephone events {TelephoneEvents}, SSRC changes {SsrcChanges}, gaps {Gaps} ({GapSamples} samples), {SamplesWritten} samples written")]
    public static partial void RtpLegSummary(
        ILogger logger,
        int port,
        long received,
        long lost,
        long late,
        long duplicate,
        long reordered,
        long wrongSource,
        long malformed,
        long unknownPayloadType,
        long telephoneEvents,
        long ssrcChanges,
        long gaps,
        long gapSamples,
        long samplesWritten);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "RTP receive loop on port {Port} failed; it continues (further failures on this leg are only counted)")]
    public static partial void RtpReceiveLoopError(ILogger logger, int port, Exception exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "RTP leg on port {Port} latched on source {Source}")]
    public static partial void RtpSourceLatched(ILogger logger, int port, IPAddress source);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "RTP leg on port {Port} configured: {Codec} PT {PayloadType}, telephone-event PT {TelephoneEventPayloadType}, expected source {Source}")]
    public static partial void RtpLegConfigured(ILogger logger, int port, AudioCodec codec, int payloadType, int? telephoneEventPayloadType, IPEndPoint? source);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "RTP receive engine: {Threads} thread(s) with epoll and recvmmsg ({BatchSize} datagrams per call), batch window {BatchWindowMilliseconds} ms")]
    public static partial void RtpReceiveEngineStarted(ILogger logger, int threads, int batchSize, double batchWindowMilliseconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "RTP receive thread {Thread}: {Call} failed with errno {Errno}; it continues (further failures are only counted)")]
    public static partial void RtpReceiveCallFailed(ILogger logger, int thread, string call, int errno);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "RTP receive thread {Thread}: a leg's handler threw; the leg goes on receiving (further failures are only counted)")]
    public static partial void RtpHandlerFailed(ILogger logger, int thread, Exception exception);
}
