using System.Buffers.Binary;
using Concentus;

namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// Reads an Ogg Opus file (RFC 3533, RFC 7845) as decoded 8 kHz PCM: the recorder's files carry two uncoupled mono
/// streams (channel mapping family 1: left = near end, right = far end), or one per SIPREC stream (family 1 up to 8
/// channels, 255 above, 0 for a single mixed stream); family 0 coupled stereo is read too. Streams the file page by page (an hour-long call never sits in memory); the page CRC is not checked.
/// </summary>
internal sealed class OggOpusReader : IDisposable
{
    private const int SampleRate = 8000;
    private const int MaxFrame = 960; // 120 ms at 8 kHz
    private readonly Stream _stream;
    private readonly List<byte> _packet = [];
    private readonly Queue<byte[]> _ready = new();
    private readonly byte[] _header = new byte[27];
    private readonly byte[] _lacing = new byte[255];
    private readonly IOpusMultiStreamDecoder? _multi;
    private readonly IOpusDecoder? _single;
    private int _skip;
    private bool _end;

    public OggOpusReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        var head = NextPacket() ?? throw new InvalidDataException("Not an Ogg Opus file: no packets.");
        if (head.Length < 19 || !head.AsSpan(0, 8).SequenceEqual("OpusHead"u8))
        {
            throw new InvalidDataException("Not an Ogg Opus file: the first packet is not OpusHead.");
        }

        Channels = head[9];
        _skip = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10)) * SampleRate / 48000;
        var family = head[18];
        if (family == 0 && Channels is 1 or 2)
        {
            _single = OpusCodecFactory.CreateDecoder(SampleRate, Channels);
        }
        else if (family is 1 or 255 && Channels > 0 && head.Length >= 21 + Channels)
        {
            _multi = OpusCodecFactory.CreateMultiStreamDecoder(SampleRate, Channels, head[19], head[20], head.AsSpan(21, Channels).ToArray());
        }
        else
        {
            throw new InvalidDataException($"Unsupported Opus channel mapping family {family} with {Channels} channels.");
        }

        _ = NextPacket() ?? throw new InvalidDataException("Not an Ogg Opus file: no OpusTags packet.");
    }

    public int Channels { get; }

    /// <summary>Decodes the next packet into <paramref name="interleaved"/> (room for 960 frames × channels); the
    /// number of frames, 0 at the end. The encoder's pre-skip is dropped.</summary>
    public int Read(Span<short> interleaved)
    {
        while (NextPacket() is { } packet)
        {
            var frames = _multi is not null
                ? _multi.DecodeMultistream(packet, interleaved, MaxFrame, false)
                : _single!.Decode(packet, interleaved, MaxFrame, false);
            if (frames <= 0)
            {
                continue;
            }

            if (_skip > 0)
            {
                var drop = Math.Min(_skip, frames);
                _skip -= drop;
                interleaved[(drop * Channels)..(frames * Channels)].CopyTo(interleaved);
                frames -= drop;
                if (frames == 0)
                {
                    continue;
                }
            }

            return frames;
        }

        return 0;
    }

    /// <summary>Frames of 120 ms × channels: the buffer <see cref="Read"/> needs.</summary>
    public int BufferLength => MaxFrame * Channels;

    public void Dispose()
    {
        (_multi as IDisposable)?.Dispose();
        (_single as IDisposable)?.Dispose();
    }

    private byte[]? NextPacket()
    {
        while (_ready.Count == 0 && !_end)
        {
            ReadPage();
        }

        return _ready.Count > 0 ? _ready.Dequeue() : null;
    }

    private void ReadPage()
    {
        if (!ReadExactly(_header))
        {
            _end = true;
            return;
        }

        if (!_header.AsSpan(0, 4).SequenceEqual("OggS"u8))
        {
            throw new InvalidDataException("Ogg capture pattern missing.");
        }

        var segments = _header[26];
        if (!ReadExactly(_lacing.AsSpan(0, segments)))
        {
            _end = true;
            return;
        }

        var bodyLength = 0;
        for (var i = 0; i < segments; i++)
        {
            bodyLength += _lacing[i];
        }

        var body = new byte[bodyLength];
        if (!ReadExactly(body))
        {
            _end = true; // a truncated last page: what was complete before it is still played
            return;
        }

        var position = 0;
        for (var i = 0; i < segments; i++)
        {
            _packet.AddRange(body.AsSpan(position, _lacing[i]));
            position += _lacing[i];
            if (_lacing[i] < 255)
            {
                _ready.Enqueue([.. _packet]);
                _packet.Clear();
            }
        }
    }

    private bool ReadExactly(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = _stream.Read(buffer[read..]);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
