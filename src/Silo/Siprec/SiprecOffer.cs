using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Siprec;

/// <summary>What a recording session's INVITE, re-INVITE or UPDATE brought: its SDP offer and its metadata.</summary>
/// <param name="Sdp">The SDP, null when the request had none.</param>
/// <param name="Metadata">The metadata, or why there was none (<c>absent</c>, <c>malformed-xml</c>...).</param>
/// <param name="MetadataContentType">The metadata part's content type, null when none came.</param>
/// <param name="Problem">Why the request cannot be taken at all (400's reason), null when it can.</param>
internal sealed record SiprecOffer(SessionDescription? Sdp, SiprecMetadataResult Metadata, string? MetadataContentType, string? Problem)
{
    /// <summary>Never throws: what is unreadable is said in <see cref="Problem"/> or the metadata's problem.</summary>
    public static SiprecOffer Read(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = SiprecBodyReader.Read(message.ContentType, message.Body);
        if (body.Problem is { } problem)
        {
            return new SiprecOffer(null, SiprecMetadataResult.Missing("absent"), null, problem);
        }

        SessionDescription? sdp = null;
        if (body.Sdp is { } sdpBytes)
        {
            try
            {
                sdp = SdpParser.Parse(sdpBytes.Span);
            }
            catch (SdpParseException)
            {
                return new SiprecOffer(null, SiprecMetadataResult.Missing("absent"), null, "Malformed SDP");
            }
        }

        var metadata = body.Metadata is { } xml ? SiprecMetadataParser.Parse(xml) : SiprecMetadataResult.Missing("absent");
        return new SiprecOffer(sdp, metadata, body.MetadataContentType, null);
    }
}
