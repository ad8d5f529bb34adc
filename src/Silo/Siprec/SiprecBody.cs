namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// The parts of a recording session's body that matter (RFC 7866 §8): the SDP offer and the recording metadata
/// (RFC 7865). Either may be absent; <see cref="Problem"/> says why a body could not be read at all.
/// </summary>
/// <param name="Sdp">The <c>application/sdp</c> part, or the whole body when it was SDP alone.</param>
/// <param name="Metadata">The <c>application/rs-metadata+xml</c> (or legacy <c>application/rs-metadata</c>) part.</param>
/// <param name="MetadataContentType">The content type the metadata came as, for the manifest.</param>
/// <param name="Problem">Why the body was unreadable (a 400's reason), null when it was read.</param>
internal sealed record SiprecBody(ReadOnlyMemory<byte>? Sdp, ReadOnlyMemory<byte>? Metadata, string? MetadataContentType, string? Problem)
{
    public static SiprecBody Empty { get; } = new(null, null, null, null);

    public static SiprecBody Unreadable(string problem) => new(null, null, null, problem);
}
