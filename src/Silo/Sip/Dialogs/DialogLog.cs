using System.Net;

namespace OrleansRecorder.Silo.Sip.Dialogs;

internal static partial class DialogLog
{
    [LoggerMessage(14000, LogLevel.Warning, "SIP {Method} from {Remote} refused by the dialog layer ({Reason}), Call-ID {CallId}: answered {StatusCode}")]
    public static partial void Refused(ILogger logger, string method, IPEndPoint remote, string reason, string callId, int statusCode);

    [LoggerMessage(14001, LogLevel.Warning, "SIP ACK from {Remote} dropped ({Reason}), Call-ID {CallId}: changes nothing")]
    public static partial void AckDropped(ILogger logger, IPEndPoint remote, string reason, string callId);

    [LoggerMessage(14002, LogLevel.Information, "Dialog {CallId} ended by us ({Reason}): BYE to {Target} answered {StatusCode}")]
    public static partial void ByeAnswered(ILogger logger, string callId, string reason, string target, int statusCode);

    [LoggerMessage(14003, LogLevel.Warning, "Dialog {CallId} ended by us ({Reason}): BYE to {Target} got no answer")]
    public static partial void ByeUnanswered(ILogger logger, string callId, string reason, string target);

    [LoggerMessage(14004, LogLevel.Warning, "Dialog {CallId}: session refresh (UPDATE) answered {StatusCode}; ending it")]
    public static partial void RefreshFailed(ILogger logger, string callId, int statusCode);

    [LoggerMessage(14005, LogLevel.Error, "Dialog {CallId}: the call handling failed on {Event}")]
    public static partial void UserFailed(ILogger logger, Exception exception, string callId, string @event);

    [LoggerMessage(14006, LogLevel.Information, "Dialog {CallId}: session expired without a refresh ({Interval} s); ending it")]
    public static partial void SessionExpired(ILogger logger, string callId, double interval);
}
