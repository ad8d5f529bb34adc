using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip.Dialogs;

namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// One recording session (RFC 7866): a single dialog whose recorded streams are each a <see cref="CallLeg"/> of the
/// same recording, one channel each (first = left, second = right, then 2, 3, ...). Changes are serialized by <see cref="Gate"/>.
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

    /// <summary>
    /// The most streams one session records (each is an RTP port and a channel of the file); further ones are answered
    /// with port 0 and the recording flagged <c>streams-not-recorded</c>. Conferences forked per participant stay well
    /// below it; an SRC offering hundreds of m-lines does not take hundreds of ports.
    /// </summary>
    public const int MaxStreams = 32;

    /// <summary>The lowest channel no stream has yet (left first), null when <see cref="MaxStreams"/> are recorded.</summary>
    public int? FreeChannel()
    {
        var taken = Legs.Values.Select(l => l.Channel).ToHashSet();
        for (var channel = 0; channel < MaxStreams; channel++)
        {
            if (!taken.Contains(channel))
            {
                return channel;
            }
        }

        return null;
    }

    /// <summary>A channel's role: the caller's stream is the near end, every other stream a far end.</summary>
    public static LegRole RoleOf(int channel) => channel == 0 ? LegRole.NearEnd : LegRole.FarEnd;
}
