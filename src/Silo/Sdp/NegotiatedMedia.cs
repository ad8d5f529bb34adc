using System.Net;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Srtp;

namespace OrleansRecorder.Silo.Sdp;

/// <summary>
/// The outcome of offer/answer for one leg, handed to the RTP receiver.
/// </summary>
/// <param name="Codec">The one codec the peer will send.</param>
/// <param name="PayloadType">Its RTP payload type (static 0/8/9 or a dynamic number from the peer's rtpmap).</param>
/// <param name="TelephoneEventPayloadType">The RFC 4733 telephone-event payload type, when negotiated.</param>
/// <param name="RemoteRtp">
/// Where the peer's RTP comes from, as its SDP declares (<c>c=</c> and <c>m=</c> port). Null when the address is
/// missing, a host name or unspecified (0.0.0.0 / ::): the receiver then latches on the first source.
/// </param>
/// <param name="PacketTimeMs">The peer's <c>a=ptime</c>, if stated (informative only: the receiver measures packets).</param>
/// <param name="Direction">The direction the peer declared for the stream (CUCM answers sendonly).</param>
internal sealed record NegotiatedMedia(
    AudioCodec Codec,
    int PayloadType,
    int? TelephoneEventPayloadType,
    IPEndPoint? RemoteRtp,
    int? PacketTimeMs,
    MediaDirection Direction)
{
    /// <summary>
    /// Whether the peer sends us media in this stream (it declared <c>sendonly</c> or <c>sendrecv</c>); false while
    /// it holds the call (<c>inactive</c>, or <c>recvonly</c>).
    /// </summary>
    public bool PeerSends => Direction is MediaDirection.SendOnly or MediaDirection.SendRecv;

    /// <summary>
    /// SRTP (an <c>RTP/SAVP</c> stream keyed by SDES, RFC 4568): the suite and the <em>peer's</em> master key and salt,
    /// which protect the stream it sends us. Null for plain RTP.
    /// </summary>
    public SrtpMasterKey? Srtp { get; init; }
}
