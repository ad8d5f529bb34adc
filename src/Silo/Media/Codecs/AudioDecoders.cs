namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>Creates a fresh decoder (with its own state) for one leg.</summary>
internal static class AudioDecoders
{
    public static IAudioDecoder Create(AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu => new PcmuDecoder(),
        AudioCodec.Pcma => new PcmaDecoder(),
        AudioCodec.G722 => new G722Decoder(),
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "no decoder for this codec"),
    };
}
