using System.Buffers;
using System.Text;
using CsCheck;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Tests.Unit.Sip;

namespace OrleansRecorder.Tests.Unit.Properties;

/// <summary>
/// Properties of <see cref="SipMessageParser"/> over generated input: network bytes only ever give a message, "incomplete",
/// or the one typed <see cref="SipParseException"/>; valid messages round-trip; stream framing ignores segment boundaries.
/// </summary>
public sealed class SipParserProperties
{
    private const int Max = 8192;
    private const int Iterations = 2000;

    private static readonly byte[] Invite = SipTestMessages.Bytes(SipTestMessages.CucmInvite);

    /// <summary>Any bytes at all: random, or assembled from SIP fragments so that the deeper header checks are reached.</summary>
    private static readonly Gen<byte[]> AnyBytes = Gen.OneOf(Gen.Byte.Array[0, 300], SipGenerators.Noise);

    [Fact]
    public void ArbitraryBytesGiveAMessageOrSipParseException() =>
        AnyBytes.Sample(bytes =>
        {
            Outcome(() => SipMessageParser.Parse(bytes, Max));
            StreamOutcome(new ReadOnlySequence<byte>(bytes), isDatagram: false);
            StreamOutcome(new ReadOnlySequence<byte>(bytes), isDatagram: true);
        }, iter: Iterations, print: Hex);

    [Fact]
    public void MutatedCucmInviteGivesAMessageOrSipParseException() =>
        Mutations(Invite).Sample(bytes =>
        {
            Outcome(() => SipMessageParser.Parse(bytes, Max));
            StreamOutcome(new ReadOnlySequence<byte>(bytes), isDatagram: false);
        }, iter: Iterations, print: Escaped);

    [Fact]
    public void MutatedResponseGivesAWritableMessageOrSipParseException() =>
        Mutations(SipTestMessages.Bytes(SipTestMessages.Response)).Sample(bytes =>
        {
            Outcome(() => SipMessageParser.Parse(bytes, Max));
            StreamOutcome(new ReadOnlySequence<byte>(bytes), isDatagram: false);
        }, iter: Iterations, print: Escaped);

    [Fact]
    public void GeneratedRequestsRoundTripThroughTheWriter() =>
        SipGenerators.Request.Sample(bytes =>
        {
            var first = SipMessageParser.Parse(bytes, Max);
            var written = SipMessageWriter.ToArray(first);
            var second = SipMessageParser.Parse(written, Max);
            Assert.Equal(SipMessageParserTests.Describe(first), SipMessageParserTests.Describe(second));
            Assert.Equal(written, SipMessageWriter.ToArray(second));

            // The typed views parse on the message the parser accepted.
            _ = first.From;
            _ = first.To;
            _ = first.CSeq;
            _ = first.Vias;
        }, iter: Iterations, print: Escaped);

    [Fact]
    public void StreamParsingAtRandomSplitPointsEqualsWholeParsing()
    {
        var messages = Gen.Select(
            Gen.OneOf(SipGenerators.Request, Gen.Const(Invite), Mutations(Invite)),
            Gen.Int[0, 3],
            Gen.OneOf(SipGenerators.Request, Gen.Const(Array.Empty<byte>())),
            (first, crlfs, second) => (byte[])[.. Enumerable.Repeat((byte)'\n', crlfs), .. first, .. second]);
        Gen.Select(messages, Gen.Int[0, 1000].Array[0, 8]).Sample((bytes, splits) =>
        {
            foreach (var isDatagram in (bool[])[false, true])
            {
                var whole = StreamOutcome(new ReadOnlySequence<byte>(bytes), isDatagram);
                var split = StreamOutcome(Segments.Split(bytes, splits.Select(s => s * bytes.Length / 1000)), isDatagram);
                Assert.Equal(whole, split);
            }
        }, iter: Iterations, print: t => Escaped(t.Item1));
    }

    [Fact]
    public void EveryPrefixOfAGeneratedRequestIsIncompleteOnAStream() =>
        SipGenerators.Request.Sample(bytes =>
        {
            var sequence = new ReadOnlySequence<byte>(bytes);
            for (var length = 0; length < bytes.Length; length++)
            {
                Assert.False(SipMessageParser.TryParse(sequence.Slice(0, length), false, Max, out var message, out _));
                Assert.Null(message);
            }
        }, iter: 200, print: Escaped);

    /// <summary>Byte flips, truncations, insertions of SIP syntax, and duplicated or dropped header lines.</summary>
    internal static Gen<byte[]> Mutations(byte[] original)
    {
        var position = Gen.Double[0.0, 0.999];
        var step = Gen.Int[0, 4].SelectMany(kind => kind switch
        {
            0 => Gen.Select(position, Gen.Byte, (at, value) => (Func<byte[], byte[]>)(b => Flip(b, at, value))),
            1 => position.Select(at => (Func<byte[], byte[]>)(b => b[..(int)(at * b.Length)])),
            2 => Gen.Select(position, SipGenerators.Noise, (at, insert) =>
                (Func<byte[], byte[]>)(b => [.. b[..(int)(at * b.Length)], .. insert, .. b[(int)(at * b.Length)..]])),
            3 => position.Select(at => (Func<byte[], byte[]>)(b => DuplicateLine(b, at))),
            _ => position.Select(at => (Func<byte[], byte[]>)(b => DropLine(b, at))),
        });
        return step.Array[1, 4].Select(steps => steps.Aggregate(original, (bytes, f) => f(bytes)));
    }

    /// <summary>The parser's answer as text: the message, "incomplete" with the consumed offset, or the rejection.</summary>
    private static string StreamOutcome(ReadOnlySequence<byte> sequence, bool isDatagram) => Outcome(() =>
        SipMessageParser.TryParse(sequence, isDatagram, Max, out var message, out var consumed)
            ? $"{SipMessageParserTests.Describe(message!)} {SipMessageWriter.ToArray(message!).Length} @{sequence.Slice(0, consumed).Length}"
            : $"incomplete @{sequence.Slice(0, consumed).Length}");

    /// <summary>A message the parser accepted must also be writable (the writer refuses CR/LF in values and reasons).</summary>
    private static string Outcome(Func<SipMessage> parse) => Outcome(() =>
    {
        var message = parse();
        _ = SipMessageWriter.ToArray(message);
        return SipMessageParserTests.Describe(message);
    });

    private static string Outcome(Func<string> parse)
    {
        try
        {
            return parse();
        }
        catch (SipParseException ex)
        {
            Assert.InRange(ex.StatusCode, 400, 599);
            return $"rejected {ex.StatusCode} {ex.Field} {ex.CanRespond}";
        }
    }

    private static byte[] Flip(byte[] bytes, double at, byte value)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var copy = bytes.ToArray();
        copy[Math.Min((int)(at * copy.Length), copy.Length - 1)] = value;
        return copy;
    }

    private static byte[] DuplicateLine(byte[] bytes, double at) => EditLines(bytes, at, (lines, i) => lines.Insert(i, lines[i]));

    private static byte[] DropLine(byte[] bytes, double at) => EditLines(bytes, at, (lines, i) => lines.RemoveAt(i));

    private static byte[] EditLines(byte[] bytes, double at, Action<List<string>, int> edit)
    {
        var lines = Encoding.Latin1.GetString(bytes).Split("\r\n").ToList();
        if (lines.Count < 3)
        {
            return bytes;
        }

        // Only header lines: never the start line, and never the empty line or the body after it.
        var headerCount = Math.Max(1, lines.IndexOf(string.Empty) - 1);
        edit(lines, 1 + Math.Min((int)(at * headerCount), headerCount - 1));
        return Encoding.Latin1.GetBytes(string.Join("\r\n", lines));
    }

    internal static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    internal static string Escaped(byte[] bytes) =>
        Encoding.Latin1.GetString(bytes).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
