using System.Collections.Frozen;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>Default reason phrases (RFC 3261 §21).</summary>
internal static class SipReasonPhrases
{
    private static readonly FrozenDictionary<int, string> Phrases = new Dictionary<int, string>
    {
        [100] = "Trying",
        [180] = "Ringing",
        [183] = "Session Progress",
        [200] = "OK",
        [400] = "Bad Request",
        [403] = "Forbidden",
        [404] = "Not Found",
        [405] = "Method Not Allowed",
        [408] = "Request Timeout",
        [415] = "Unsupported Media Type",
        [416] = "Unsupported URI Scheme",
        [420] = "Bad Extension",
        [481] = "Call/Transaction Does Not Exist",
        [486] = "Busy Here",
        [487] = "Request Terminated",
        [488] = "Not Acceptable Here",
        [500] = "Server Internal Error",
        [501] = "Not Implemented",
        [503] = "Service Unavailable",
        [505] = "Version Not Supported",
        [513] = "Message Too Large",
    }.ToFrozenDictionary();

    public static string Get(int statusCode) =>
        Phrases.TryGetValue(statusCode, out var phrase) ? phrase : statusCode switch
        {
            < 200 => "Session Progress",
            < 300 => "OK",
            < 400 => "Redirection",
            < 500 => "Client Error",
            < 600 => "Server Error",
            _ => "Global Failure",
        };
}
