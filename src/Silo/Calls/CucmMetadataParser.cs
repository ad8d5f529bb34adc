using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Reads CUCM's recording metadata from the From URI parameters of a recording dialog (PROTOCOL.md §1.4). Parameter
/// names are matched case-insensitively and values kept as sent: CUCM changes their case between messages.
/// </summary>
internal static class CucmMetadataParser
{
    /// <summary>
    /// Longest value kept (issue 19, finding 8): numbers, device names and ids are far shorter, but every value is
    /// stored in the manifest and catalog and shown on the page, and the SIP parser allows long URIs.
    /// </summary>
    public const int MaxValueLength = 256;

    private static readonly string[] Parameters =
        ["x-refci", "x-nearendaddr", "x-nearenddevice", "x-nearendclusterid", "x-farendrefci", "x-farendaddr", "x-farenddevice", "x-farendclusterid", "x-farendguid"];

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
            Profile = string.IsNullOrEmpty(requestUri.User) ? null : Cut(requestUri.User),
        };
        return (metadata, role);
    }

    /// <summary>The first metadata value longer than <see cref="MaxValueLength"/> (cut by <see cref="Parse"/>), or null.</summary>
    public static string? OverlongField(SipUri from, SipUri requestUri)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(requestUri);
        return requestUri.User is { Length: > MaxValueLength } ? "profile"
            : Parameters.FirstOrDefault(p => from.GetParameter(p) is { Length: > MaxValueLength });
    }

    private static string? Value(SipUri uri, string name) =>
        uri.GetParameter(name) is { Length: > 0 } value ? Cut(value) : null;

    private static string Cut(string value) => value.Length > MaxValueLength ? value[..MaxValueLength] : value;
}
