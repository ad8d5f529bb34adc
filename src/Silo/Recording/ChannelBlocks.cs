using System.Buffers;
using System.Runtime.InteropServices;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Reads the finalizer's channel segments block by block and interleaves them into one frame buffer (channel 0 first in
/// each frame): the same blocks for WAV and Ogg Opus, one buffer per channel and one for the frames, never the call.
/// </summary>
internal sealed class ChannelBlocks : IAsyncDisposable
{
    private readonly LegSource[] _sources;
    private readonly Stream?[] _streams;
    private readonly byte[][] _buffers;
    private readonly byte[] _interleaved;

    public ChannelBlocks(LegSource[] sources, int blockFrames)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfLessThan(sources.Length, 1);
        _sources = sources;
        _streams = new Stream?[sources.Length];
        _buffers = new byte[sources.Length][];
        _interleaved = ArrayPool<byte>.Shared.Rent(blockFrames * sources.Length * sizeof(short));
        for (var c = 0; c < sources.Length; c++)
        {
            _buffers[c] = ArrayPool<byte>.Shared.Rent(blockFrames * sizeof(short));
            _streams[c] = sources[c].Open();
        }
    }

    /// <summary>
    /// Frames <paramref name="frame"/> to <paramref name="frame"/> + <paramref name="count"/> of every channel,
    /// interleaved; valid until the next call. Reads are sequential.
    /// </summary>
    public async ValueTask<byte[]> ReadInterleavedAsync(long frame, int count, CancellationToken cancellationToken)
    {
        var channels = _sources.Length;
        for (var c = 0; c < channels; c++)
        {
            await _sources[c].ReadBlockAsync(_streams[c], _buffers[c], frame, count, cancellationToken);
        }

        var output = MemoryMarshal.Cast<byte, short>(_interleaved.AsSpan(0, count * channels * sizeof(short)));
        for (var c = 0; c < channels; c++)
        {
            var input = MemoryMarshal.Cast<byte, short>(_buffers[c].AsSpan(0, count * sizeof(short)));
            for (var i = 0; i < count; i++)
            {
                output[(i * channels) + c] = input[i];
            }
        }

        return _interleaved;
    }

    public async ValueTask DisposeAsync()
    {
        for (var c = 0; c < _sources.Length; c++)
        {
            if (_streams[c] is { } stream)
            {
                await stream.DisposeAsync();
            }

            ArrayPool<byte>.Shared.Return(_buffers[c]);
        }

        ArrayPool<byte>.Shared.Return(_interleaved);
    }
}
