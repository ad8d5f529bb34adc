using MimeKit;

namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// Reads a recording session's body: <c>multipart/mixed</c> (RFC 2046 §5.1) of SDP and metadata, or SDP alone
/// (a metadata-less re-INVITE). MimeKit's parser does the MIME: it takes any boundary (quoted or not), CRLF or bare LF,
/// preamble and epilogue, part headers with or without a space after the colon, and parts in any order; here only the
/// parts are chosen. Extra parts (CUBE's <c>application/gtd</c>) are ignored, whatever their Content-Disposition.
/// </summary>
internal static class SiprecBodyReader
{
    /// <summary>RFC 7866 §9.1 / RFC 7865 §6: the metadata's content type.</summary>
    public const string MetadataContentType = "application/rs-metadata+xml";

    /// <summary>The pre-RFC label some SRCs still send (AudioCodes, older SBCs).</summary>
    public const string LegacyMetadataContentType = "application/rs-metadata";

    /// <summary>Bodies larger than this are refused before parsing (a SIP message is at most 64 KiB over UDP anyway).</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Never throws: a body that cannot be read is returned with its <see cref="SiprecBody.Problem"/>.</summary>
    public static SiprecBody Read(string? contentType, ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return SiprecBody.Empty;
        }

        if (body.Length > MaxBodyBytes)
        {
            return SiprecBody.Unreadable("Body too large");
        }

        if (contentType is null || !ContentType.TryParse(contentType, out var type))
        {
            return SiprecBody.Unreadable("Missing or malformed Content-Type");
        }

        if (type.IsMimeType("application", "sdp"))
        {
            return new SiprecBody(body, null, null, null);
        }

        if (IsMetadata(type))
        {
            // RFC 7866 §7.3: an UPDATE (or re-INVITE) may carry the metadata alone.
            return new SiprecBody(null, body, type.MimeType, null);
        }

        if (!type.IsMimeType("multipart", "*"))
        {
            return SiprecBody.Unreadable($"Unsupported Content-Type {type.MimeType}");
        }

        if (string.IsNullOrEmpty(type.Boundary))
        {
            return SiprecBody.Unreadable("multipart body without a boundary");
        }

        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            if (MimeEntity.Load(type, stream) is not Multipart multipart)
            {
                return SiprecBody.Unreadable("Unreadable multipart body");
            }

            ReadOnlyMemory<byte>? sdp = null;
            ReadOnlyMemory<byte>? metadata = null;
            string? metadataType = null;
            foreach (var part in multipart)
            {
                if (part is not MimePart leaf || leaf.Content is null)
                {
                    continue;
                }

                if (sdp is null && leaf.ContentType.IsMimeType("application", "sdp"))
                {
                    sdp = Decode(leaf);
                }
                else if (metadata is null && IsMetadata(leaf.ContentType))
                {
                    metadata = Decode(leaf);
                    metadataType = leaf.ContentType.MimeType;
                }
            }

            return new SiprecBody(sdp, metadata, metadataType, null);
        }
        catch (Exception ex) when (ex is FormatException or ParseException or ArgumentException or InvalidOperationException)
        {
            return SiprecBody.Unreadable("Malformed multipart body");
        }
    }

    private static bool IsMetadata(ContentType type) =>
        type.MimeType.Equals(MetadataContentType, StringComparison.OrdinalIgnoreCase)
        || type.MimeType.Equals(LegacyMetadataContentType, StringComparison.OrdinalIgnoreCase);

    private static ReadOnlyMemory<byte> Decode(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        var bytes = content.ToArray();

        // MIME puts the CRLF before a delimiter into the delimiter (RFC 2046 §5.1.1), so nothing trailing is the
        // part's; a lone trailing line break some senders add before it is trimmed too, harmless for SDP and XML.
        var length = bytes.Length;
        while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r'))
        {
            length--;
        }

        return bytes.AsMemory(0, length);
    }
}
