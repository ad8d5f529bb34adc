using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>Responses to malformed requests (RFC 3261 §8.2.6): status from the exception, detail in a Warning.</summary>
internal static class SipErrorResponses
{
    public static SipResponse For(SipParseException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var response = SipResponse.CreateFor(exception.PartialHeaders!, exception.StatusCode);

        // RFC 3261 §20.43: warn-code 399 (miscellaneous), agent "-", quoted text. Quotes in the detail become '.
        var text = $"{exception.Field}: {exception.Detail}".Replace('"', '\'').Replace('\\', '/');
        response.Headers.Add(SipHeaderNames.Warning, $"399 - \"{text}\"");
        return response;
    }
}
