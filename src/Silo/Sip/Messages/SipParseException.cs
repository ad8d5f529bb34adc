using System.Diagnostics.CodeAnalysis;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// The one typed rejection of the SIP parsers (Kestrel's BadHttpRequestException pattern): a status code to answer with,
/// the field at fault and a human-readable detail.
/// </summary>
/// <remarks>
/// When the request line and the top Via parsed, <see cref="CanRespond"/> is true and <see cref="PartialHeaders"/> holds
/// the header lines read, so the transport can address a 400/505/513 (RFC 3261 §8.2.6, §18.2.2); otherwise it drops.
/// </remarks>
internal sealed class SipParseException : Exception
{
    public SipParseException(int statusCode, string field, string detail)
        : base($"{statusCode} {field}: {detail}")
    {
        StatusCode = statusCode;
        Field = field;
        Detail = detail;
    }

    public SipParseException()
        : this(400, "message", "malformed")
    {
    }

    public SipParseException(string message)
        : this(400, "message", message)
    {
    }

    public SipParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 400;
        Field = "message";
        Detail = message;
    }

    public int StatusCode { get; }

    public string Field { get; }

    public string Detail { get; }

    /// <summary>The request method, when the message was a request whose request line parsed.</summary>
    public string? RequestMethod { get; private set; }

    /// <summary>The header lines read, when the request line and top Via parsed; null otherwise.</summary>
    public SipHeaders? PartialHeaders { get; private set; }

    /// <summary>True when a response can be addressed: request line and top Via parsed, and the request is not an ACK.</summary>
    public bool CanRespond => PartialHeaders is not null && RequestMethod is not null && RequestMethod != "ACK";

    internal SipParseException WithRequestContext(string method, SipHeaders headers)
    {
        RequestMethod = method;
        PartialHeaders = headers;
        return this;
    }

    [DoesNotReturn]
    public static void Throw(int statusCode, string field, string detail) =>
        throw new SipParseException(statusCode, field, detail);

    [DoesNotReturn]
    public static T Throw<T>(int statusCode, string field, string detail) =>
        throw new SipParseException(statusCode, field, detail);

    [DoesNotReturn]
    public static void ThrowBadRequest(string field, string detail) => throw new SipParseException(400, field, detail);

    [DoesNotReturn]
    public static T ThrowBadRequest<T>(string field, string detail) => throw new SipParseException(400, field, detail);
}
