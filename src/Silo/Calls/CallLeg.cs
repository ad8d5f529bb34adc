using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip.Dialogs;

namespace OrleansRecorder.Silo.Calls;

/// <summary>One recording dialog (UAS side) and the RTP port that receives its stream.</summary>
/// <remarks>
/// Dialog state changes (ACK, UPDATE, re-INVITE, BYE) are serialized by <see cref="Gate"/>; the RTP receiver runs on
/// its own loop and is only configured and stopped from here.
/// </remarks>
internal sealed class CallLeg(
    Dialog dialog,
    LegRole role,
    ActiveRecording recording,
    int rtpPort,
    RtpLegReceiver receiver)
{
    /// <summary>The SIP dialog the leg belongs to: every request that touches the leg was matched to it first.</summary>
    public Dialog Dialog { get; } = dialog;
    public string CallId => Dialog.CallId;

    /// <summary>
    /// A SIPREC stream's <c>a=label</c>: one recording session dialog carries several streams, each its own leg; null
    /// for CUCM's one-stream dialogs.
    /// </summary>
    public string? StreamLabel { get; init; }

    /// <summary>The leg's key in the <see cref="CallRegistry"/>: the Call-ID, with the stream label for SIPREC streams.</summary>
    public string RegistryKey => StreamLabel is null ? CallId : CallId + "\n" + StreamLabel;
    public string LocalTag => Dialog.Id.LocalTag;
    public LegRole Role { get; } = role;

    /// <summary>
    /// The leg's channel in the recording: its role's (0 = near end, 1 = far end), or 2 and on for a SIPREC session's
    /// further streams (their <see cref="Role"/> is <see cref="LegRole.FarEnd"/>: another party the recorded user hears).
    /// </summary>
    public int Channel { get; init; } = (int)role;

    /// <summary>The leg's name in the recording's pauses: <c>nearEnd</c>, <c>farEnd</c>, or a further stream's label.</summary>
    public string PauseLeg => Channel < 2 ? RecordingPause.LegName(Role) : StreamLabel ?? Channel.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public ActiveRecording Recording { get; } = recording;
    public int RtpPort { get; } = rtpPort;
    public RtpLegReceiver Receiver { get; } = receiver;
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Our current SDP (offer or answer) with its o= version, resent in answers to re-INVITE and UPDATE.</summary>
    public string? LocalSdp { get; set; }
    public long SdpVersion { get; set; } = 1;

    /// <summary>True while our offer (delayed offer: in the 200 OK) waits for CUCM's answer in the ACK.</summary>
    public bool AwaitingAnswer { get; set; }

    public NegotiatedMedia? Media { get; set; }

    /// <summary>What SRTP may do on this leg's dialog (its transport and the setting), for every later offer and answer.</summary>
    public MediaSecurity Security { get; init; } = MediaSecurity.Insecure;
    public bool Ended { get; set; }

    /// <summary>Why the leg ended early (e.g. <c>media-timeout</c>), null for a normal BYE.</summary>
    public string? EndFlag { get; set; }

    /// <summary>Whether the peer is sending (not on hold); see <see cref="ApplyDirection"/>.</summary>
    public LegActivity Activity { get; } = new();

    private int _portReleased;

    /// <summary>
    /// Applies the direction the peer declared in its latest SDP (offer or answer): <c>inactive</c> or <c>recvonly</c>
    /// pauses the leg and opens a <c>hold</c> pause in the recording; <c>sendonly</c> or <c>sendrecv</c> closes it.
    /// The dialog and the RTP port stay (PROTOCOL.md §1.7).
    /// </summary>
    public void ApplyDirection(MediaDirection peerDirection, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var paused = peerDirection is MediaDirection.Inactive or MediaDirection.RecvOnly;
        if (Activity.SetPaused(paused, timeProvider.GetTimestamp()))
        {
            Recording.Session.MarkPause(PauseLeg, paused, RecordingPause.HoldReason, timeProvider.GetUtcNow());
        }
    }

    /// <summary>True exactly once: the caller then returns <see cref="RtpPort"/> to the allocator.</summary>
    public bool TryReleasePort() => Interlocked.Exchange(ref _portReleased, 1) == 0;
}
