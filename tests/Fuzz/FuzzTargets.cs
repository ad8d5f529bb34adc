using System.Buffers;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Fuzz;

/// <summary>
/// One fuzz target per parser. Each runs network input through the parser the way the silo does and lets through only
/// the documented outcomes (a value, "incomplete", or the parser's one typed exception); anything else escapes and AFL
/// records a crash. Invariants that must hold on success are checked with <see cref="Check"/>.
/// </summary>
internal static class FuzzTargets
{
    private const int MaxMessageSize = 8192;

    public static void Sip(ReadOnlySpan<byte> input)
    {
        SipMessage? datagram = null;
        try
        {
            datagram = SipMessageParser.Parse(input, MaxMessageSize);
        }
        catch (SipParseException)
        {
        }

        // The same bytes on a stream, split in two where the first byte says: framing must not depend on segments.
        var bytes = input.ToArray();
        var whole = StreamOutcome(new ReadOnlySequence<byte>(bytes));
        if (bytes.Length > 1)
        {
            var split = 1 + (bytes[0] % (bytes.Length - 1));
            var first = new Segment(bytes.AsMemory(0, split));
            var last = first.Append(bytes.AsMemory(split));
            Check(whole == StreamOutcome(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length)), "split changed the outcome");
        }

        if (datagram is not null)
        {
            // What we accepted, we can write; and what we wrote parses to the same message.
            var written = SipMessageWriter.ToArray(datagram);
            var again = SipMessageParser.Parse(written, MaxMessageSize * 2);
            Check(written.AsSpan().SequenceEqual(SipMessageWriter.ToArray(again)), "write-parse-write is not stable");
        }
    }

    public static void Sdp(ReadOnlySpan<byte> input)
    {
        try
        {
            var description = SdpParser.Parse(input);
            Check(description.Media.Count > 0, "a description without media");
        }
        catch (SdpParseException)
        {
        }
    }

    /// <summary>
    /// The RTP path: the input is a run of datagrams, each prefixed by a 1-byte length; every one that parses is pushed
    /// into a reorderer (codec chosen by the first input byte) with a fake arrival clock, then the window is flushed.
    /// </summary>
    public static void Rtp(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var (codec, payloadType) = (input[0] % 3) switch
        {
            0 => (AudioCodec.Pcmu, 0),
            1 => (AudioCodec.Pcma, 8),
            _ => (AudioCodec.G722, 9),
        };
        var sink = new CountingSink();
        var reorderer = new RtpJitterReorderer(sink, 1 + (input[0] >> 2), 1488, TimeSpan.FromSeconds(5), 1000);
        reorderer.Configure(codec, payloadType, 101);
        var rest = input[1..];
        long arrival = 0;
        while (!rest.IsEmpty)
        {
            var length = Math.Min(rest[0], rest.Length - 1);
            var datagram = rest.Slice(1, length);
            rest = rest[(1 + length)..];
            if (!RtpPacket.TryParse(datagram, out var packet))
            {
                continue;
            }

            Check(packet.Payload.IsEmpty || (datagram.Overlaps(packet.Payload, out var offset)
                && offset >= RtpPacket.FixedHeaderLength + (4 * packet.CsrcCount)
                && offset + packet.Payload.Length <= datagram.Length), "payload outside the datagram");
            arrival += 20 + (packet.SequenceNumber & 0x7);
            reorderer.Push(packet, arrival);
        }

        reorderer.Flush();
        var stats = reorderer.GetStats(0, 0, 0);
        Check(sink.Total == stats.SamplesWritten, "samples written differ from the reorderer's count");
    }

    private static string StreamOutcome(ReadOnlySequence<byte> sequence)
    {
        try
        {
            return SipMessageParser.TryParse(sequence, false, MaxMessageSize, out var message, out var consumed)
                ? $"{SipMessageWriter.ToArray(message!).Length} @{sequence.Slice(0, consumed).Length}"
                : $"incomplete @{sequence.Slice(0, consumed).Length}";
        }
        catch (SipParseException ex)
        {
            return $"rejected {ex.StatusCode}";
        }
    }

    private static void Check(bool condition, string invariant)
    {
        if (!condition)
        {
            throw new InvariantViolatedException(invariant);
        }
    }

    private sealed class CountingSink : IPcmSink
    {
        public long Total { get; private set; }

        public void OnFirstPacket(long arrivalTimestamp)
        {
        }

        public void Write(ReadOnlySpan<short> samples) => Total += samples.Length;

        public void WriteSilence(int sampleCount)
        {
            Check(sampleCount > 0, "non-positive silence");
            Total += sampleCount;
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex = 0)
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
