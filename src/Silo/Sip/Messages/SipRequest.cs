namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>A SIP request (RFC 3261 §7.1).</summary>
internal sealed class SipRequest : SipMessage
{
    public SipRequest(string method, SipUri requestUri, SipHeaders? headers = null, ReadOnlyMemory<byte> body = default)
        : base(headers, body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        Method = method;
        RequestUri = requestUri;
    }

    /// <summary>The method token as received; methods are case-sensitive (RFC 3261 §7.1).</summary>
    public string Method { get; }

    public SipUri RequestUri { get; }

    public override string ToString() => $"{Method} {RequestUri} SIP/2.0";
}
