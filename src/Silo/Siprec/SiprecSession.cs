using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip.Dialogs;

namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// One recording session (RFC 7866): a single dialog whose recorded streams are each a <see cref="CallLeg"/> of the
/// same recording (first = left channel, second = right). Changes are serialized by <see cref="Gate"/>.
/// </summary>
internal sealed class SiprecSession(Dialog dialog, string pairingKey)
{
    public Dialog Dialog { get; } = dialog;

    public string PairingKey { get; } = pairingKey;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Recorded streams by label.</summary>
    public Dictionary<string, CallLeg> Legs { get; } = new(StringComparer.Ordinal);

    /// <summary>Our last answer's m-line per label, resent when a later offer leaves the stream as it was.</summary>
    public Dictionary<string, MediaDescription> Answers { get; } = new(StringComparer.Ordinal);

    /// <summary>Our last SDP, the offer of a 200 to a re-INVITE without SDP.</summary>
    public string? LocalSdp { get; set; }

    public long SdpVersion { get; set; } = 1;

    /// <summary>The metadata as last received (a re-INVITE or UPDATE may bring a new snapshot).</summary>
    public SiprecMetadata? Metadata { get; set; }

    public IEnumerable<CallLeg> AllLegs => Legs.Values;

    /// <summary>The channel role no stream has yet, in channel order (left first).</summary>
    public LegRole? FreeRole()
    {
        var taken = Legs.Values.Select(l => l.Role).ToHashSet();
        return !taken.Contains(LegRole.NearEnd) ? LegRole.NearEnd : !taken.Contains(LegRole.FarEnd) ? LegRole.FarEnd : null;
    }
}
