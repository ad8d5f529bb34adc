using OrleansRecorder.Silo.Sip.Dialogs;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// Tells a Recording Session (RFC 7866) from CUCM's plain recording dialogs by the INVITE's headers alone, so a plain
/// INVITE never reaches the SIPREC code and keeps the CUCM path as it was.
/// </summary>
internal static class SiprecRecognition
{
    /// <summary>The option tag of RFC 7866 §6.1.1 (SRC: "MUST include ... Require").</summary>
    public const string OptionTag = "siprec";

    /// <summary>The SRC's Contact feature tag (RFC 7866 §6.1.1).</summary>
    public const string SourceFeatureTag = "+sip.src";

    /// <summary>Our Contact feature tag as the SRS (RFC 7866 §6.1.2).</summary>
    public const string ServerFeatureTag = "+sip.srs";

    /// <summary>
    /// RFC 7866 §6.1.2 asks the SRS to treat an INVITE as a recording session when it has both <c>Require: siprec</c>
    /// and <c>+sip.src</c>; SRCs in the field send one without the other (and AudioCodes writes <c>;src</c>), so either
    /// one is enough here: a CUCM fork carries neither.
    /// </summary>
    public static bool IsRecordingSession(SipMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var tag in OptionTags.In(request, "Require"))
        {
            if (tag.Equals(OptionTag, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var contact in request.Headers.GetAll(SipHeaderNames.Contact))
        {
            if (HasSourceTag(contact))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>+sip.src</c> as a Contact header parameter (RFC 3840 feature tag), or a bare <c>src</c> parameter (AudioCodes),
    /// inside or outside the angle brackets: the Contact text is split on <c>;</c> and <c>&gt;</c> rather than parsed
    /// as a name-addr, since a feature tag may be quoted or valued in ways a URI parser refuses.
    /// </summary>
    internal static bool HasSourceTag(string contact)
    {
        foreach (var piece in contact.Split([';', '>', ','], StringSplitOptions.TrimEntries))
        {
            var name = piece.Split('=', 2)[0].Trim();
            if (name.Equals(SourceFeatureTag, StringComparison.OrdinalIgnoreCase) || name.Equals("src", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
