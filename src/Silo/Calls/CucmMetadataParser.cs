using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Reads CUCM's recording metadata from the From URI parameters of a recording dialog (PROTOCOL.md §1.4). Parameter
/// names are matched case-insensitively and values kept as sent: CUCM changes their case between messages.
/// </summary>
internal static class CucmMetadataParser
{
    /// <summary>The metadata, and which stream the dialog carries (null for a dialog without <c>x-nearend</c>/<c>x-farend</c>).</summary>
    public static (CucmMetadata Metadata, LegRole? Role) Parse(SipUri from, SipUri requestUri)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(requestUri);
        LegRole? role = from.HasParameter("x-nearend") ? LegRole.NearEnd
            : from.HasParameter("x-farend") ? LegRole.FarEnd
            : null;
        var metadata = new CucmMetadata
        {
            RefCi = Value(from, "x-refci"),
            NearEndAddress = Value(from, "x-nearendaddr"),
            NearEndDevice = Value(from, "x-nearenddevice"),
            NearEndClusterId = Value(from, "x-nearendclusterid"),
            FarEndRefCi = Value(from, "x-farendrefci"),
            FarEndAddress = Value(from, "x-farendaddr"),
            FarEndDevice = Value(from, "x-farenddevice"),
            FarEndClusterId = Value(from, "x-farendclusterid"),
            FarEndGuid = Value(from, "x-farendguid"),
            Profile = string.IsNullOrEmpty(requestUri.User) ? null : requestUri.User,
        };
        return (metadata, role);
    }

    private static string? Value(SipUri uri, string name) =>
        uri.GetParameter(name) is { Length: > 0 } value ? value : null;
}
