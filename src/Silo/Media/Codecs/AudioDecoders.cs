namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>Creates a fresh decoder (with its own state) for one leg, and says which codecs this node can decode.</summary>
internal static class AudioDecoders
{
    /// <summary>The rate a wideband leg is recorded at: G.722's, and the one Opus is rendered at.</summary>
    public const int WidebandRate = 16000;

    /// <param name="codec">The negotiated codec.</param>
    /// <param name="outputRate">The leg's recording rate (8000 or 16000): Opus decodes to it directly.</param>
    public static IAudioDecoder Create(AudioCodec codec, int outputRate = WidebandRate) => codec switch
    {
        AudioCodec.Pcmu => new PcmuDecoder(),
        AudioCodec.Pcma => new PcmaDecoder(),
        AudioCodec.G722 => new G722Decoder(),
        AudioCodec.G729 => new G729Decoder(),
        AudioCodec.Opus => new OpusDecoder(outputRate),
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "no decoder for this codec"),
    };

    /// <summary>True when this node can decode <paramref name="codec"/> (G.729 only with libbcg729 installed).</summary>
    public static bool IsAvailable(AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu or AudioCodec.Pcma or AudioCodec.G722 or AudioCodec.Opus => true,
        AudioCodec.G729 => Bcg729Library.IsAvailable,
        _ => false,
    };

    /// <summary>The rate a leg in <paramref name="codec"/> is recorded at: 16 kHz for the wideband codecs, else 8 kHz.</summary>
    public static int RecordingRate(AudioCodec codec) => codec is AudioCodec.G722 or AudioCodec.Opus ? WidebandRate : 8000;

    /// <summary>Every codec, in the default offer order: narrowband G.711 first (CUCM picks the call's codec anyway).</summary>
    public static IReadOnlyList<AudioCodec> All { get; } = [AudioCodec.Pcmu, AudioCodec.Pcma, AudioCodec.G722, AudioCodec.G729, AudioCodec.Opus];

    /// <summary>The codecs this node decodes, in the default offer order.</summary>
    public static IReadOnlyList<AudioCodec> Available() => [.. All.Where(IsAvailable)];
}
