using System.Globalization;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>A SIP response (RFC 3261 §7.2).</summary>
internal sealed class SipResponse : SipMessage
{
    public SipResponse(int statusCode, string? reasonPhrase = null, SipHeaders? headers = null,
        ReadOnlyMemory<byte> body = default)
        : base(headers, body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase ?? SipReasonPhrases.Get(statusCode);
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// Builds a response to <paramref name="request"/>: RFC 3261 §8.2.6.2 copies every Via (in order), From, To,
    /// Call-ID and CSeq. The To tag is added by the transaction user with <see cref="WithToTag"/>.
    /// </summary>
    public static SipResponse CreateFor(SipRequest request, int statusCode, string? reasonPhrase = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CreateFor(request.Headers, statusCode, reasonPhrase);
    }

    /// <summary>Same as <see cref="CreateFor(SipRequest, int, string?)"/> from raw header lines; absent ones are skipped.</summary>
    public static SipResponse CreateFor(SipHeaders requestHeaders, int statusCode, string? reasonPhrase = null)
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        // The lines are copied with their typed views (the request's From, To and Vias parsed once, not again here).
        var headers = new SipHeaders(requestHeaders.Count);
        headers.CopyFrom(requestHeaders, SipHeaderNames.Via, all: true);
        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq])
        {
            headers.CopyFrom(requestHeaders, name, all: false);
        }

        return new SipResponse(statusCode, reasonPhrase, headers);
    }

    /// <summary>Returns a copy whose To header carries <paramref name="tag"/> (RFC 3261 §8.2.6.2).</summary>
    public SipResponse WithToTag(string tag)
    {
        var headers = Headers.Clone();
        headers.Set(SipHeaderNames.To, To.WithTag(tag).ToString());
        return new SipResponse(StatusCode, ReasonPhrase, headers, Body);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"SIP/2.0 {StatusCode} {ReasonPhrase}");
}
