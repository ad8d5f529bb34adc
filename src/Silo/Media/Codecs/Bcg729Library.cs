using System.Runtime.InteropServices;

namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// Debian's <c>libbcg729</c> (G.729 Annex A/B), bound at run time by function pointers. It is GPL-3.0-or-later, so it is
/// never shipped with the recorder: the operator installs it (<c>apt install libbcg729-0</c>) and G.729 becomes
/// available; without it G.729 is neither offered nor accepted.
/// </summary>
/// <remarks>
/// Calls: <c>initBcg729DecoderChannel()</c>, <c>bcg729Decoder(ctx, bitStream, length, frameErasure, SIDFrame,
/// rfc3389Payload, int16 signal[80])</c>, <c>closeBcg729DecoderChannel(ctx)</c>, and the encoder counterparts (tests and
/// benchmarks use the library's own encoder as the independent source of G.729 frames). Loaded once per process; the
/// handle is never freed (contexts may live as long as the process).
/// </remarks>
internal static unsafe class Bcg729Library
{
    /// <summary>The Debian 12 soname of libbcg729-0.</summary>
    public const string LibraryName = "libbcg729.so.0";

    /// <summary>How an operator enables G.729; in the 488 Warning, the start-up log and the diagnostics.</summary>
    public const string InstallHint = "install the system package libbcg729-0 (apt install libbcg729-0) and restart the recorder";

    private static readonly Lazy<Functions?> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? _loadError;

    /// <summary>True when the library loaded and exports every function used.</summary>
    public static bool IsAvailable => Loaded.Value is not null;

    /// <summary>Why the library is not available, or null when it is.</summary>
    public static string? LoadError => Loaded.Value is null ? _loadError : null;

    internal static Functions Api => Loaded.Value ?? throw new InvalidOperationException($"G.729 is not available: {LoadError}");

    private static Functions? Load()
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(Bcg729Library).Assembly, DllImportSearchPath.SafeDirectories, out var handle)
            && !NativeLibrary.TryLoad(LibraryName, out handle))
        {
            _loadError = $"{LibraryName} not found";
            return null;
        }

        try
        {
            return new Functions(
                (delegate* unmanaged<nint>)NativeLibrary.GetExport(handle, "initBcg729DecoderChannel"),
                (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(handle, "closeBcg729DecoderChannel"),
                (delegate* unmanaged<nint, byte*, byte, byte, byte, byte, short*, void>)NativeLibrary.GetExport(handle, "bcg729Decoder"),
                (delegate* unmanaged<byte, nint>)NativeLibrary.GetExport(handle, "initBcg729EncoderChannel"),
                (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(handle, "closeBcg729EncoderChannel"),
                (delegate* unmanaged<nint, short*, byte*, byte*, void>)NativeLibrary.GetExport(handle, "bcg729Encoder"));
        }
        catch (EntryPointNotFoundException exception)
        {
            _loadError = $"{LibraryName} lacks a function: {exception.Message}";
            return null;
        }
    }

    /// <summary>The library's entry points.</summary>
    internal sealed class Functions(
        delegate* unmanaged<nint> initDecoder,
        delegate* unmanaged<nint, void> closeDecoder,
        delegate* unmanaged<nint, byte*, byte, byte, byte, byte, short*, void> decode,
        delegate* unmanaged<byte, nint> initEncoder,
        delegate* unmanaged<nint, void> closeEncoder,
        delegate* unmanaged<nint, short*, byte*, byte*, void> encode)
    {
        public nint InitDecoder() => initDecoder();

        public void CloseDecoder(nint context) => closeDecoder(context);

        public void Decode(nint context, byte* bitStream, byte length, byte frameErasure, byte sidFrame, byte rfc3389Payload, short* signal) =>
            decode(context, bitStream, length, frameErasure, sidFrame, rfc3389Payload, signal);

        public nint InitEncoder(bool enableVad) => initEncoder(enableVad ? (byte)1 : (byte)0);

        public void CloseEncoder(nint context) => closeEncoder(context);

        public void Encode(nint context, short* frame, byte* bitStream, byte* length) => encode(context, frame, bitStream, length);
    }
}
