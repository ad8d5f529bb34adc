using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansRecorder.Silo.Sip;

/// <summary>SIP instruments on the "OrleansRecorder" meter. Tags stay low-cardinality (method, status class).</summary>
internal sealed class SipMetrics
{
    public const string MeterName = "OrleansRecorder";

    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _parseErrors;
    private readonly Histogram<double> _queueDelay;
    private readonly Counter<long> _tlsHandshakeFailures;

    public SipMetrics(IMeterFactory meterFactory, Func<int> activeTransactions)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _messagesReceived = meter.CreateCounter<long>("recorder.sip.messages.received", "{message}",
            "SIP messages received, by method (requests) or status class (responses).");
        _parseErrors = meter.CreateCounter<long>("recorder.sip.parse_errors", "{message}", "Malformed SIP messages received.");
        _queueDelay = meter.CreateHistogram<double>("recorder.sip.queue_delay", "s",
            "Time a request waited for a thread before its handler ran (overload when it grows).");
        _tlsHandshakeFailures = meter.CreateCounter<long>("recorder.sip.tls.handshake_failures", "{connection}",
            "TLS connections closed before carrying a message: plain text, handshake error or timeout, refused certificate.");
        meter.CreateObservableGauge("recorder.sip.transactions.active", () => (long)activeTransactions(), "{transaction}",
            "Transactions alive (server, and client ones for the requests we send).");
    }

    public void RequestReceived(string method) =>
        _messagesReceived.Add(1, new TagList { { "method", KnownMethod(method) }, { "status_class", "request" } });

    public void ResponseReceived(int statusCode) =>
        _messagesReceived.Add(1, new TagList { { "method", "response" }, { "status_class", $"{statusCode / 100}xx" } });

    public void ParseError() => _parseErrors.Add(1);

    public void TlsHandshakeFailed() => _tlsHandshakeFailures.Add(1);

    public void Dispatched(TimeSpan queueDelay) => _queueDelay.Record(queueDelay.TotalSeconds);

    // Methods are attacker-chosen text: unknown ones share one tag value to keep cardinality bounded.
    private static string KnownMethod(string method) => method switch
    {
        "INVITE" or "ACK" or "BYE" or "CANCEL" or "OPTIONS" or "UPDATE" or "INFO" or "PRACK" or "NOTIFY" or "REFER"
            or "SUBSCRIBE" or "MESSAGE" or "REGISTER" => method,
        _ => "other",
    };
}
