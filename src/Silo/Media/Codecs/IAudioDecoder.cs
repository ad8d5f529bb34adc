namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>Decodes one RTP payload to 16-bit linear PCM. One instance per leg: decoders may keep state between packets.</summary>
internal interface IAudioDecoder
{
    /// <summary>The sample rate of the decoded PCM (8000 for G.711, 16000 for G.722).</summary>
    int SampleRate { get; }

    /// <summary>The number of samples <see cref="Decode"/> writes for a payload of <paramref name="payloadLength"/> bytes.</summary>
    int GetSampleCount(int payloadLength);

    /// <summary>Decodes <paramref name="payload"/> into <paramref name="pcm"/>; returns the number of samples written.</summary>
    int Decode(ReadOnlySpan<byte> payload, Span<short> pcm);
}
