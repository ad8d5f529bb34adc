using System.Buffers;
using System.Text;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip;

public sealed class SipMessageParserTests
{
    private const int Max = 65535;

    public static TheoryData<string> ValidMessages => new()
    {
        SipTestMessages.CucmInvite,
        SipTestMessages.Response,
        SipTestMessages.FoldedCompact,
    };

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void EveryStrictPrefixIsIncompleteOnAStreamAndConsumesNothing(string text)
    {
        var bytes = SipTestMessages.Bytes(text);
        for (var length = 0; length < bytes.Length; length++)
        {
            var sequence = new ReadOnlySequence<byte>(bytes, 0, length);
            var complete = SipMessageParser.TryParse(sequence, isDatagram: false, Max, out var message, out var consumed);
            Assert.False(complete, $"prefix of {length} bytes parsed as complete");
            Assert.Null(message);
            Assert.Equal(0, sequence.Slice(0, consumed).Length);
        }
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void SplittingIntoTwoSegmentsAtEveryByteGivesTheSameMessage(string text)
    {
        var bytes = SipTestMessages.Bytes(text);
        var expected = Describe(SipMessageParser.Parse(bytes, Max));
        for (var split = 0; split <= bytes.Length; split++)
        {
            var sequence = TwoSegments(bytes, split);
            Assert.True(SipMessageParser.TryParse(sequence, isDatagram: false, Max, out var message, out var consumed));
            Assert.Equal(expected, Describe(message!));
            Assert.Equal(0, sequence.Slice(consumed).Length);
        }
    }

    [Fact]
    public void TwoMessagesBackToBackParseOneAfterTheOther()
    {
        var bytes = SipTestMessages.Bytes("\r\n\r\n" + SipTestMessages.CucmInvite + SipTestMessages.Response);
        var sequence = new ReadOnlySequence<byte>(bytes);

        Assert.True(SipMessageParser.TryParse(sequence, false, Max, out var first, out var consumed));
        var request = Assert.IsType<SipRequest>(first);
        Assert.Equal("INVITE", request.Method);
        Assert.Equal(SipTestMessages.SmallSdp, Encoding.UTF8.GetString(request.Body.Span));

        sequence = sequence.Slice(consumed);
        Assert.True(SipMessageParser.TryParse(sequence, false, Max, out var second, out consumed));
        Assert.Equal(200, Assert.IsType<SipResponse>(second).StatusCode);
        Assert.Equal(0, sequence.Slice(consumed).Length);
    }

    [Fact]
    public void LeadingCrlfKeepAlivesAreConsumedEvenWithoutAMessage()
    {
        var sequence = new ReadOnlySequence<byte>("\r\n\r\n"u8.ToArray());
        Assert.False(SipMessageParser.TryParse(sequence, false, Max, out var message, out var consumed));
        Assert.Null(message);
        Assert.Equal(0, sequence.Slice(consumed).Length);
    }

    [Fact]
    public void ParsesTheCucmInvite()
    {
        var request = Assert.IsType<SipRequest>(SipMessageParser.Parse(SipTestMessages.Bytes(SipTestMessages.CucmInvite), Max));

        Assert.Equal("INVITE", request.Method);
        Assert.Equal("7878", request.RequestUri.User);
        Assert.Equal(5060, request.RequestUri.Port);
        Assert.Equal("35554700-d6514bef-3281-526300e@10.48.38.5", request.CallId);
        Assert.Equal(new CSeqHeader(101, "INVITE"), request.CSeq);
        Assert.Equal("SJ User 2", request.From.DisplayName);
        Assert.Equal("104958~e650e088-60ba-4195-8387-3dcc0127efdc-19301629", request.From.Tag);
        Assert.Null(request.To.Tag);
        var via = Assert.Single(request.Vias);
        Assert.Equal("TCP", via.Transport);
        Assert.Equal("z9hG4bK32ecc2c802c", via.Branch);
        Assert.Equal(["timer,resource-priority,replaces", "X-cisco-srtp-fallback", "Geolocation"], request.Headers.GetAll("supported"));
        Assert.Equal("1800", request.Headers.GetFirst("Min-SE"));
        Assert.Equal("application/sdp", request.ContentType);
        Assert.Equal(SipTestMessages.SmallSdp.Length, request.ContentLength);
        var contact = NameAddress.Parse(request.Headers.GetFirst("Contact")!);
        Assert.Equal("tcp", contact.Uri.GetParameter("transport"));
        Assert.Equal("\"SEP6C416A369525\"", contact.GetParameter("+u.sip!devicename.ccm.cisco.com"));
    }

    [Fact]
    public void CucmFromUriParametersReadCaseInsensitively()
    {
        var request = (SipRequest)SipMessageParser.Parse(SipTestMessages.Bytes(SipTestMessages.CucmInvite), Max);
        var uri = request.From.Uri;

        Assert.True(uri.HasParameter("X-NearEnd"));
        Assert.Null(uri.GetParameter("x-nearend"));
        Assert.False(uri.HasParameter("x-farend"));
        Assert.Equal("19301625", uri.GetParameter("X-REFCI"));
        Assert.Equal("SEP6C416A369525", uri.GetParameter("x-NearEndDevice"));
        Assert.Equal("1000", uri.GetParameter("x-farendaddr"));
        Assert.Equal("x-nearend", uri.Parameters[0].Key);
        Assert.Equal(9, uri.Parameters.Count);
    }

    [Fact]
    public void FoldedAndCompactHeadersAreUnfoldedAndExpanded()
    {
        var request = (SipRequest)SipMessageParser.Parse(SipTestMessages.Bytes(SipTestMessages.FoldedCompact), Max);

        Assert.Equal("fold-1@10.0.0.1", request.CallId);
        Assert.Equal("folded", request.From.Tag);
        Assert.Equal(new CSeqHeader(1, "OPTIONS"), request.CSeq);
        Assert.Equal("first part second part", request.Headers.GetFirst("s"));
        Assert.Equal(["z9hG4bKfold1", "z9hG4bKfold2"], request.Vias.Select(v => v.Branch));
        Assert.Null(request.Vias[1].Port);
        Assert.Equal("body", Encoding.UTF8.GetString(request.Body.Span));
        Assert.Equal(["Via", "From", "To", "Call-ID", "CSeq", "Subject", "Content-Length"], request.Headers.Select(h => h.Name));
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void ParseWriteParseRoundTrips(string text)
    {
        var first = SipMessageParser.Parse(SipTestMessages.Bytes(text), Max);
        var written = SipMessageWriter.ToArray(first);
        var second = SipMessageParser.Parse(written, Max);

        Assert.Equal(Describe(first), Describe(second));
        Assert.Equal(written, SipMessageWriter.ToArray(second));
    }

    [Fact]
    public void DatagramWithoutContentLengthTakesTheRestAsBody()
    {
        var text = SipTestMessages.Options("z9hG4bKdg").Replace("Content-Length: 0\r\n", string.Empty, StringComparison.Ordinal) + "xyz";
        var message = SipMessageParser.Parse(SipTestMessages.Bytes(text), Max);
        Assert.Equal("xyz", Encoding.UTF8.GetString(message.Body.Span));
    }

    [Fact]
    public void DatagramBytesBeyondContentLengthAreDiscarded()
    {
        var text = SipTestMessages.Options("z9hG4bKdg") + "garbage";
        var message = SipMessageParser.Parse(SipTestMessages.Bytes(text), Max);
        Assert.True(message.Body.IsEmpty);
    }

    public static TheoryData<string, int, bool> InvalidDatagrams => new()
    {
        { "INVITE sip:a@b\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", 400, false },
        { "INVITE  SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", 400, false },
        { "INV@TE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", 400, false },
        { Without(SipTestMessages.Options("z9hG4bK1"), "Call-ID"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "CSeq: 1 OPTIONS", "CSeq: one OPTIONS"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "CSeq: 1 OPTIONS", "CSeq: 1 INVITE"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "CSeq: 1 OPTIONS", "CSeq: 4294967296 OPTIONS"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), " SIP/2.0\r\n", " SIP/7.0\r\n"), 505, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "sip:rec@127.0.0.1 ", "http://rec/ "), 416, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "Content-Length: 0", "Content-Length: 10"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "Content-Length: 0", "Content-Length: -1"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "Max-Forwards: 70", "Max-Forwards: many"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "Via: SIP/2.0/UDP 127.0.0.1:5999", "Via: SIP/2.0 127.0.0.1:5999"), 400, false },
        { Without(SipTestMessages.Options("z9hG4bK1"), "Via"), 400, false },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "From: <sip:ping@127.0.0.1>;tag=f1", "From: <sip:ping@127.0.0.1"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "Max-Forwards: 70", "Max-Forwards 70"), 400, true },
        { Replace(SipTestMessages.Options("z9hG4bK1"), "OPTIONS sip", "ACK sip").Replace("1 OPTIONS", "1 ACK", StringComparison.Ordinal).Replace("Call-ID", "X-Call-ID", StringComparison.Ordinal), 400, false },
        { "SIP/2.0 2000 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", 400, false },
        { "SIP/3.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", 505, false },
        { "\u0001\u0002garbage", 400, false },
    };

    [Theory]
    [MemberData(nameof(InvalidDatagrams))]
    public void InvalidInputThrowsWithTheExpectedStatus(string text, int status, bool canRespond)
    {
        var ex = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(SipTestMessages.Bytes(text), Max));
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(canRespond, ex.CanRespond);
        if (canRespond)
        {
            var response = SipResponse.CreateFor(ex.PartialHeaders!, ex.StatusCode);
            Assert.Equal("z9hG4bK1", response.Vias[0].Branch);
        }
    }

    [Fact]
    public void MissingContentLengthOnAStreamIsRejectedWith400()
    {
        var text = Without(SipTestMessages.Options("z9hG4bK1"), "Content-Length");
        var ex = Assert.Throws<SipParseException>(() =>
            SipMessageParser.TryParse(new ReadOnlySequence<byte>(SipTestMessages.Bytes(text)), false, Max, out _, out _));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("Content-Length", ex.Field);
        Assert.True(ex.CanRespond);
    }

    [Fact]
    public void OversizeMessageIsRejectedWith513()
    {
        var text = SipTestMessages.Options("z9hG4bK1");
        var small = text.Length - 10;

        var ex = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(SipTestMessages.Bytes(text), small));
        Assert.Equal(513, ex.StatusCode);
    }

    [Fact]
    public void OversizeBodyOnAStreamIsRejectedWith513BeforeItArrives()
    {
        var text = Replace(SipTestMessages.Options("z9hG4bK1"), "Content-Length: 0", "Content-Length: 100000");
        var ex = Assert.Throws<SipParseException>(() =>
            SipMessageParser.TryParse(new ReadOnlySequence<byte>(SipTestMessages.Bytes(text)), false, Max, out _, out _));
        Assert.Equal(513, ex.StatusCode);
        Assert.True(ex.CanRespond);
    }

    [Fact]
    public void UnterminatedHeadersLongerThanTheMaximumAreRejectedOnAStream()
    {
        var bytes = SipTestMessages.Bytes("OPTIONS sip:a@b SIP/2.0\r\nX-Long: " + new string('a', 2000));
        var ex = Assert.Throws<SipParseException>(() =>
            SipMessageParser.TryParse(new ReadOnlySequence<byte>(bytes), false, 1000, out _, out _));
        Assert.Equal(513, ex.StatusCode);
        Assert.False(ex.CanRespond);
    }

    internal static string Describe(SipMessage message)
    {
        var builder = new StringBuilder();
        builder.Append(message switch
        {
            SipRequest r => $"{r.Method} {r.RequestUri}",
            SipResponse r => $"{r.StatusCode} {r.ReasonPhrase}",
            _ => "?",
        }).Append('\n');
        foreach (var header in message.Headers)
        {
            if (header.Name != "Content-Length")
            {
                builder.Append(header.Name).Append('=').Append(header.Value).Append('\n');
            }
        }

        return builder.Append(Convert.ToHexString(message.Body.Span)).ToString();
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split), 0);
        var second = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private static string Replace(string text, string oldValue, string newValue)
    {
        Assert.Contains(oldValue, text, StringComparison.Ordinal);
        return text.Replace(oldValue, newValue, StringComparison.Ordinal);
    }

    private static string Without(string text, string headerName) =>
        string.Join("\r\n", text.Split("\r\n").Where(l => !l.StartsWith(headerName + ":", StringComparison.Ordinal)));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
