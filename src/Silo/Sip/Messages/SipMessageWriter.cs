using System.Buffers;
using System.Globalization;
using System.Text;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// Writes a message (RFC 3261 §7): start line, headers in order, a Content-Length equal to the real body length
/// (any Content-Length header in the message is replaced), the empty line, then the body.
/// </summary>
internal static class SipMessageWriter
{
    public static void Write(SipMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        switch (message)
        {
            case SipRequest request:
                WriteText(output, request.Method);
                WriteText(output, " ");
                WriteText(output, request.RequestUri.ToString());
                WriteText(output, " SIP/2.0\r\n");
                break;
            case SipResponse response:
                WriteText(output, "SIP/2.0 ");
                WriteNumber(output, response.StatusCode);
                WriteText(output, " ");
                CheckNoLineBreak(response.ReasonPhrase);
                WriteText(output, response.ReasonPhrase);
                WriteText(output, "\r\n");
                break;
            default:
                throw new ArgumentException("Unknown message type.", nameof(message));
        }

        foreach (var header in message.Headers)
        {
            if (header.Name == SipHeaderNames.ContentLength)
            {
                continue;
            }

            // A CR or LF in a value would inject header lines (or a body) into the message.
            CheckNoLineBreak(header.Value);
            WriteText(output, header.Name);
            WriteText(output, ": ");
            WriteText(output, header.Value);
            WriteText(output, "\r\n");
        }

        WriteText(output, "Content-Length: ");
        WriteNumber(output, message.Body.Length);
        WriteText(output, "\r\n\r\n");
        output.Write(message.Body.Span);
    }

    public static byte[] ToArray(SipMessage message)
    {
        var writer = new ArrayBufferWriter<byte>(512 + message.Body.Length);
        Write(message, writer);
        return writer.WrittenSpan.ToArray();
    }

    private static void WriteText(IBufferWriter<byte> output, string text) => Encoding.UTF8.GetBytes(text, output);

    /// <summary>A non-negative number in ASCII digits, formatted in place (no string per status code or length).</summary>
    private static void WriteNumber(IBufferWriter<byte> output, int value)
    {
        var span = output.GetSpan(11);
        _ = value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void CheckNoLineBreak(string value)
    {
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("Header values and reason phrases cannot contain CR or LF.", nameof(value));
        }
    }
}
