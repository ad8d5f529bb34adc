using System.Text;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Tests.Unit.Siprec;

public sealed class SiprecBodyReaderTests
{
    private const string Gtd = "IAM,\r\nPRN,isdn*,,NET5*,\r\nUSI,rate,c,s,c,1\r\n";

    /// <summary>Every variant of how an SRC writes the body, combined.</summary>
    public static TheoryData<bool, bool, bool, bool, int, bool, bool> Variants()
    {
        var data = new TheoryData<bool, bool, bool, bool, int, bool, bool>();
        foreach (var quoted in new[] { false, true })
        {
            foreach (var crlf in new[] { true, false })
            {
                foreach (var preamble in new[] { false, true })
                {
                    foreach (var epilogue in new[] { false, true })
                    {
                        for (var order = 0; order < 3; order++)
                        {
                            foreach (var space in new[] { true, false })
                            {
                                foreach (var legacyType in new[] { false, true })
                                {
                                    data.Add(quoted, crlf, preamble, epilogue, order, space, legacyType);
                                }
                            }
                        }
                    }
                }
            }
        }

        return data;
    }

    /// <param name="quoted">The boundary parameter quoted.</param>
    /// <param name="crlf">CRLF line ends (else bare LF).</param>
    /// <param name="preamble">Text before the first delimiter.</param>
    /// <param name="epilogue">Text after the closing delimiter.</param>
    /// <param name="order">0: SDP, metadata; 1: metadata, SDP; 2: SDP, CUBE's application/gtd, metadata.</param>
    /// <param name="space">A space after the part headers' colon (BroadWorks writes none).</param>
    /// <param name="legacyType">The metadata as application/rs-metadata (AudioCodes) rather than +xml.</param>
    [Theory]
    [MemberData(nameof(Variants))]
    public void Rfc7866_Section8_MultipartMixed_AnyBoundaryStyleOrderAndSpacing_YieldsSdpAndMetadata(
        bool quoted, bool crlf, bool preamble, bool epilogue, int order, bool space, bool legacyType)
    {
        var nl = crlf ? "\r\n" : "\n";
        var colon = space ? ": " : ":";
        const string boundary = "unique-Boundary_1";
        var sdpText = SiprecSamples.Sdp("1", "2").Replace("\r\n", nl, StringComparison.Ordinal);
        var xml = SiprecSamples.Cube.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", nl, StringComparison.Ordinal);
        var sdpPart = $"Content-Type{colon}application/sdp{nl}Content-Disposition{colon}session;handling=required{nl}{nl}{sdpText}";
        var metadataPart = $"Content-Type{colon}application/rs-metadata{(legacyType ? "" : "+xml")}{nl}"
            + $"Content-Disposition{colon}recording-session{nl}{nl}{xml}";
        var gtdPart = $"Content-Type{colon}application/gtd{nl}Content-Disposition{colon}signal;handling=optional{nl}{nl}{Gtd}";
        string[] parts = order switch
        {
            0 => [sdpPart, metadataPart],
            1 => [metadataPart, sdpPart],
            _ => [sdpPart, gtdPart, metadataPart],
        };
        var body = new StringBuilder();
        if (preamble)
        {
            body.Append("This is a multipart body; ignore this preamble.").Append(nl);
        }

        foreach (var part in parts)
        {
            body.Append("--").Append(boundary).Append(nl).Append(part).Append(nl);
        }

        body.Append("--").Append(boundary).Append("--");
        if (epilogue)
        {
            body.Append(nl).Append("epilogue text").Append(nl);
        }

        var contentType = quoted ? $"multipart/mixed; boundary=\"{boundary}\"" : $"multipart/mixed;boundary={boundary}";
        var read = SiprecBodyReader.Read(contentType, Encoding.UTF8.GetBytes(body.ToString()));

        Assert.Null(read.Problem);
        Assert.Equal(legacyType ? "application/rs-metadata" : "application/rs-metadata+xml", read.MetadataContentType);
        var sdp = SdpParser.Parse(read.Sdp!.Value.Span);
        Assert.Equal(2, sdp.Media.Count);
        Assert.Equal(MediaDirection.SendOnly, sdp.Media[1].Direction);
        var metadata = SiprecMetadataParser.Parse(read.Metadata!.Value);
        Assert.Null(metadata.Problem);
        Assert.Equal(2, metadata.Metadata!.Participants.Count);
    }

    [Fact]
    public void Rfc7866_Section7_3_SdpAlone_IsReadWithoutMetadata()
    {
        var read = SiprecBodyReader.Read("application/sdp", Encoding.UTF8.GetBytes(SiprecSamples.Sdp("1")));

        Assert.Null(read.Problem);
        Assert.NotNull(read.Sdp);
        Assert.Null(read.Metadata);
    }

    [Fact]
    public void Rfc7866_Section7_3_MetadataAlone_IsReadWithoutSdp()
    {
        var read = SiprecBodyReader.Read("application/rs-metadata+xml", Encoding.UTF8.GetBytes(SiprecSamples.Cube));

        Assert.Null(read.Sdp);
        Assert.NotNull(read.Metadata);
    }

    [Fact]
    public void MultipartWithoutMetadataPart_GivesSdpAndNoMetadata()
    {
        var body = "--b\r\nContent-Type: application/sdp\r\n\r\n" + SiprecSamples.Sdp("1", "2") + "\r\n--b--\r\n";

        var read = SiprecBodyReader.Read("multipart/mixed;boundary=b", Encoding.UTF8.GetBytes(body));

        Assert.Null(read.Problem);
        Assert.NotNull(read.Sdp);
        Assert.Null(read.Metadata);
    }

    [Fact]
    public void MultipartWithoutClosingDelimiter_StillYieldsItsParts()
    {
        var body = "--b\r\nContent-Type: application/sdp\r\n\r\n" + SiprecSamples.Sdp("1") + "\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n"
            + SiprecSamples.Cube;

        var read = SiprecBodyReader.Read("multipart/mixed;boundary=b", Encoding.UTF8.GetBytes(body));

        Assert.NotNull(read.Sdp);
        Assert.Null(SiprecMetadataParser.Parse(read.Metadata!.Value).Problem);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("multipart/mixed")]
    [InlineData("text/plain")]
    [InlineData("multipart/mixed;boundary=")]
    [InlineData(";;;")]
    public void UnreadableContentTypes_GiveAProblem(string? contentType)
    {
        var read = SiprecBodyReader.Read(contentType, Encoding.UTF8.GetBytes("--b\r\n\r\nx\r\n--b--"));

        Assert.NotNull(read.Problem);
        Assert.Null(read.Sdp);
    }

    [Fact]
    public void GarbageMultipartBody_NeverThrows()
    {
        var random = new Random(7865);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            var read = SiprecBodyReader.Read("multipart/mixed;boundary=b", bytes);
            if (read.Metadata is { } metadata)
            {
                _ = SiprecMetadataParser.Parse(metadata);
            }
        }
    }

    [Fact]
    public void EveryTruncationOfABody_NeverThrows()
    {
        var body = Encoding.UTF8.GetBytes("--b\r\nContent-Type: application/sdp\r\n\r\n" + SiprecSamples.Sdp("1", "2")
            + "\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n" + SiprecSamples.Cube + "\r\n--b--\r\n");
        for (var length = 0; length <= body.Length; length++)
        {
            var read = SiprecBodyReader.Read("multipart/mixed;boundary=b", body.AsMemory(0, length));
            if (read.Metadata is { } metadata)
            {
                _ = SiprecMetadataParser.Parse(metadata);
            }

            if (read.Sdp is { } sdp)
            {
                try
                {
                    _ = SdpParser.Parse(sdp.Span);
                }
                catch (SdpParseException)
                {
                    // A cut SDP is malformed, which the caller answers 400: the parser's own clean failure.
                }
            }
        }
    }
}
