using System.Net;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Which RTP source rule a recording dialog gets, chosen by the address its INVITE came from: <c>Recorder:Rtp:SourceRule</c>
/// for every peer, except the <c>Recorder:Rtp:LatchPeers</c> blocks, which latch. Pure: no I/O.
/// </summary>
/// <remarks>
/// The SIP peer, not the SDP, picks the rule: CUCM (strict, its BiB streams come from the address it names) and a
/// media relay or a SIP stack behind NAT (latch) are told apart by who signals, which the trust check has already vetted.
/// </remarks>
internal sealed class MediaSourcePolicy
{
    private readonly MediaSourceRule _defaultRule;
    private readonly IPNetwork[] _latchPeers;

    public MediaSourcePolicy(MediaSourceRule defaultRule, IEnumerable<string> latchPeers)
    {
        ArgumentNullException.ThrowIfNull(latchPeers);
        if (!Enum.IsDefined(defaultRule))
        {
            throw new ArgumentOutOfRangeException(nameof(defaultRule), defaultRule, "Recorder:Rtp:SourceRule must be strict or latch.");
        }

        _defaultRule = defaultRule;
        _latchPeers = [.. latchPeers.Select(c => TrustedPeers.ParseNetwork(c, "Recorder:Rtp:LatchPeers"))];
    }

    /// <summary>Strict for every peer: the rule before it was a setting.</summary>
    public static MediaSourcePolicy Strict { get; } = new(MediaSourceRule.Strict, []);

    public MediaSourceRule RuleFor(IPAddress sipPeer)
    {
        ArgumentNullException.ThrowIfNull(sipPeer);
        if (_defaultRule == MediaSourceRule.Latch)
        {
            return MediaSourceRule.Latch;
        }

        if (sipPeer.IsIPv4MappedToIPv6)
        {
            sipPeer = sipPeer.MapToIPv4();
        }

        foreach (var network in _latchPeers)
        {
            if (network.Contains(sipPeer))
            {
                return MediaSourceRule.Latch;
            }
        }

        return _defaultRule;
    }
}
