namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// Turns one stream's Opus packet into the self-delimiting form a multistream packet carries for every stream but the
/// last (RFC 6716 Appendix B), and builds the packet that asks the decoder to conceal a frame (RFC 7845 §4.1).
/// </summary>
/// <remarks>
/// Hand-written because <see cref="OpusFrameEncoder"/> encodes each channel with its own mono encoder (so a silent
/// channel can skip its encoder) and then has to assemble the multistream packet itself; libopus does this inside
/// <c>opus_multistream_encode</c>, which encodes every stream or none, and Concentus exposes no self-delimiting packer.
/// </remarks>
internal static class SelfDelimitedFraming
{
    /// <summary>RFC 6716 §3.2.1: a frame is at most 1275 bytes.</summary>
    public const int MaxFrameBytes = 1275;

    /// <summary>Bytes <see cref="Write"/> adds to a packet at most: one frame length of two bytes.</summary>
    public const int MaxOverhead = 2;

    /// <summary>
    /// RFC 6716 §3.2.1: a frame length below 252 is one byte; otherwise two, the first 252–255 and the length
    /// 4 × second + first.
    /// </summary>
    public static int WriteLength(int length, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxFrameBytes);
        if (length < 252)
        {
            destination[0] = (byte)length;
            return 1;
        }

        var first = 252 + ((length - 252) & 3);
        destination[0] = (byte)first;
        destination[1] = (byte)((length - first) >> 2);
        return 2;
    }

    /// <summary>Reads a frame length written by <see cref="WriteLength"/>; returns the bytes it took, 0 if truncated.</summary>
    public static int ReadLength(ReadOnlySpan<byte> source, out int length)
    {
        length = 0;
        if (source.IsEmpty)
        {
            return 0;
        }

        if (source[0] < 252)
        {
            length = source[0];
            return 1;
        }

        if (source.Length < 2)
        {
            return 0;
        }

        length = (4 * source[1]) + source[0];
        return 2;
    }

    /// <summary>
    /// Writes <paramref name="packet"/> (a whole, undelimited Opus packet) in self-delimiting framing: the same bytes
    /// with the length of the last frame inserted where Appendix B puts it (after the TOC for code 0 and 1; after the
    /// first frame's length for code 2; after the frame count, padding and the other lengths for code 3).
    /// </summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="InvalidDataException">The packet breaks one of RFC 6716 §3.4's rules.</exception>
    public static int Write(ReadOnlySpan<byte> packet, Span<byte> destination)
    {
        if (packet.IsEmpty)
        {
            throw new InvalidDataException("An Opus packet has at least its TOC byte (RFC 6716 §3.4 R1).");
        }

        var code = packet[0] & 0x3;
        int header;
        int lastFrame;
        switch (code)
        {
            case 0:
                header = 1;
                lastFrame = packet.Length - 1;
                break;
            case 1:
                header = 1;
                if ((packet.Length - 1) % 2 != 0)
                {
                    throw new InvalidDataException("A code 1 Opus packet carries two frames of equal size (RFC 6716 §3.4 R3).");
                }

                lastFrame = (packet.Length - 1) / 2;
                break;
            case 2:
                var used = ReadLength(packet[1..], out var firstFrame);
                if (used == 0 || 1 + used + firstFrame > packet.Length)
                {
                    throw new InvalidDataException("A code 2 Opus packet's first frame does not fit it (RFC 6716 §3.4 R4).");
                }

                header = 1 + used;
                lastFrame = packet.Length - header - firstFrame;
                break;
            default:
                (header, lastFrame) = Code3Layout(packet);
                break;
        }

        packet[..header].CopyTo(destination);
        var written = header + WriteLength(lastFrame, destination[header..]);
        packet[header..].CopyTo(destination[written..]);
        return written + packet.Length - header;
    }

    /// <summary>
    /// A packet of zero-length frames that asks the decoder to conceal one frame of the configuration (mode, bandwidth,
    /// duration) of <paramref name="previousToc"/>: RFC 7845 §4.1's way for a muxer to fill a gap, and what libopus'
    /// own DTX writes. Self-delimited (TOC and a zero length) unless it is the last stream's.
    /// </summary>
    public static int WriteConcealment(byte previousToc, bool selfDelimited, Span<byte> destination)
    {
        // Code 0 (one frame) of the same configuration: the top five bits are the configuration, bit 2 the stereo flag.
        destination[0] = (byte)(previousToc & 0xFC);
        if (!selfDelimited)
        {
            return 1;
        }

        destination[1] = 0;
        return 2;
    }

    /// <summary>RFC 6716 §3.2.5: where a code 3 packet's frames start and how long its last (or every, CBR) frame is.</summary>
    private static (int Header, int LastFrame) Code3Layout(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 2)
        {
            throw new InvalidDataException("A code 3 Opus packet has a frame count byte (RFC 6716 §3.4 R6).");
        }

        var count = packet[1] & 0x3F;
        var variable = (packet[1] & 0x80) != 0;
        var padded = (packet[1] & 0x40) != 0;
        if (count == 0)
        {
            throw new InvalidDataException("A code 3 Opus packet has at least one frame (RFC 6716 §3.4 R5).");
        }

        var position = 2;
        var padding = 0;
        if (padded)
        {
            // Each padding-length byte of 255 adds 254 and asks for another (§3.2.5).
            int value;
            do
            {
                if (position >= packet.Length)
                {
                    throw new InvalidDataException("A code 3 Opus packet's padding length is cut off (RFC 6716 §3.4 R7).");
                }

                value = packet[position++];
                padding += value == 255 ? 254 : value;
            }
            while (value == 255);
        }

        var others = 0;
        if (variable)
        {
            for (var i = 0; i < count - 1; i++)
            {
                var used = ReadLength(packet[position..], out var frame);
                if (used == 0)
                {
                    throw new InvalidDataException("A code 3 Opus packet's frame lengths are cut off (RFC 6716 §3.4 R7).");
                }

                position += used;
                others += frame;
            }
        }

        var data = packet.Length - position - padding;
        var last = variable ? data - others : data / count;
        if (last < 0 || (!variable && data % count != 0))
        {
            throw new InvalidDataException("A code 3 Opus packet's frames do not add up to its length (RFC 6716 §3.4 R6/R7).");
        }

        return (position, last);
    }
}
