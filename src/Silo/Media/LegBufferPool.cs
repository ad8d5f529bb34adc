using System.Buffers;

namespace OrleansRecorder.Silo.Media;

/// <summary>
/// The pool of the buffers a leg holds for its whole life (the jitter window's slots and PCM buffers, the segment's
/// record buffer, its gap journal's) and of the finalizer's per-call buffers (the Ogg page body, the AEAD segment):
/// rented when the leg (or finalization) starts, returned once when it closes.
/// </summary>
/// <remarks>
/// <para>Why not <see cref="ArrayPool{T}.Shared"/>: it keeps about 32 arrays of a size per core (and one per thread), while a
/// node holds one segment buffer per leg in progress. At 100 new calls/s on two cores (about 250 legs at once) most
/// rentals missed it and allocated (EventPipe sampling: some 34 KiB per call from the segment writer's rent alone), and
/// the arrays handed back beyond its capacity were dropped for the GC.</para>
/// <para>This pool keeps up to <see cref="MaxArraysPerSize"/> arrays of each power-of-two size: 512 calls' worth of 32 KiB
/// segment buffers (32 MiB kept after such a peak, nothing allocated until then). A node with more legs allocates the
/// rest as before and drops them on return. A missing return is no leak: the array is simply collected.</para>
/// </remarks>
internal static class LegBufferPool
{
    /// <summary>Arrays kept per size (two legs a call, so 512 calls' worth).</summary>
    public const int MaxArraysPerSize = 1024;

    /// <summary>The largest array pooled: a finalizer's 64 KiB AEAD segment or Ogg page body. Larger ones are allocated.</summary>
    public const int MaxArrayLength = 64 * 1024;

    public static ArrayPool<byte> Bytes { get; } = ArrayPool<byte>.Create(MaxArrayLength, MaxArraysPerSize);

    public static ArrayPool<short> Samples { get; } = ArrayPool<short>.Create(MaxArrayLength / sizeof(short), MaxArraysPerSize);
}
