using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// The comma-separated option tags of a header (Require, Supported; RFC 3261 §20.32, §20.37), over every line of it.
/// </summary>
internal static class OptionTags
{
    public static IEnumerable<string> In(SipMessage message, string header)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var line in message.Headers.GetAll(header))
        {
            foreach (var tag in line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                yield return tag;
            }
        }
    }
}
