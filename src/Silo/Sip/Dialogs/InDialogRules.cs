using System.Net;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// The checks a request must pass before it changes anything in a dialog (RFC 3261 §12.2.2, §8.2.2), as pure
/// functions of the dialog, the request and where it came from.
/// </summary>
internal static class InDialogRules
{
    /// <summary>Option tags we support (RFC 3261 §8.2.2.3): session timers (RFC 4028), recording sessions (RFC 7866 §6.1).</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "timer", "siprec" };

    /// <summary>
    /// A request with a To tag: it must name a live dialog by its whole id (§12.2.2, else 481), come from a trusted peer
    /// (403), require nothing we lack (§8.2.2.3, 420 with Unsupported), and not go back in CSeq (§12.2.2, 500).
    /// </summary>
    public static InDialogVerdict CheckRequest(Dialog? dialog, SipRequest request, bool sourceTrusted)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!sourceTrusted)
        {
            // Checked first, so an untrusted source learns nothing about which dialogs exist.
            return new InDialogVerdict(403, "untrusted-source");
        }

        if (dialog is null || dialog.State == DialogState.Terminated || !dialog.Id.Matches(request.From.Tag, request.To.Tag))
        {
            return new InDialogVerdict(481, "no-dialog");
        }

        if (CheckRequire(request) is { } unsupported)
        {
            return unsupported;
        }

        return dialog.TryAdvanceRemoteCSeq(request.CSeq.Number) ? InDialogVerdict.Accept : new InDialogVerdict(500, "cseq-out-of-order");
    }

    /// <summary>RFC 3261 §8.2.2.3: every option tag in Require that we do not support, as a 420 verdict; null if none.</summary>
    public static InDialogVerdict? CheckRequire(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<string>? missing = null;
        foreach (var tag in OptionTags.In(request, "Require"))
        {
            if (!Supported.Contains(tag))
            {
                (missing ??= []).Add(tag);
            }
        }

        return missing is null ? null : new InDialogVerdict(420, "unsupported-extension", string.Join(", ", missing));
    }

    /// <summary>
    /// The ACK of our 2xx (never answered, so a failing one is dropped): whole dialog id, the CSeq of the INVITE it
    /// acknowledges (§13.2.2.4), and the peer that sent that INVITE — same address, and over UDP the same port — since
    /// in a delayed offer the ACK carries the SDP that says where the audio may come from.
    /// </summary>
    public static InDialogVerdict CheckAck(Dialog? dialog, SipRequest ack, IPEndPoint source, SipTransportKind transport)
    {
        ArgumentNullException.ThrowIfNull(ack);
        ArgumentNullException.ThrowIfNull(source);
        if (dialog is null || dialog.State != DialogState.Confirmed || !dialog.Id.Matches(ack.From.Tag, ack.To.Tag))
        {
            return new InDialogVerdict(481, "ack-no-dialog");
        }

        if (!SamePeer(dialog, source, transport))
        {
            return new InDialogVerdict(403, "ack-wrong-source");
        }

        return ack.CSeq.Number == dialog.LastInviteCSeq ? InDialogVerdict.Accept : new InDialogVerdict(500, "ack-cseq-mismatch");
    }

    /// <summary>
    /// §8.2.2.2: a new INVITE (no To tag) for a Call-ID that already has a live dialog. The same From tag and CSeq on
    /// another branch is a merged request (482); any other reuse of the Call-ID cannot be a new recording dialog either.
    /// </summary>
    public static InDialogVerdict CheckNewInvite(Dialog? existing, SipRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (existing is null || existing.State == DialogState.Terminated)
        {
            return CheckRequire(invite) ?? InDialogVerdict.Accept;
        }

        return new InDialogVerdict(482, "merged-request");
    }

    private static bool SamePeer(Dialog dialog, IPEndPoint source, SipTransportKind transport) =>
        transport == dialog.Transport
        && source.Address.Equals(dialog.Peer.Address)
        && (transport == SipTransportKind.Tcp || source.Port == dialog.Peer.Port);
}
