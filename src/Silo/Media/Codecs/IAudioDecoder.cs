namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>Decodes one RTP payload to 16-bit linear PCM. One instance per leg: decoders may keep state between packets.</summary>
internal interface IAudioDecoder
{
    /// <summary>The sample rate of the decoded PCM (8000 for G.711 and G.729, 16000 for G.722, 8000 or 16000 for Opus).</summary>
    int SampleRate { get; }

    /// <summary>The RTP timestamp clock (8000 for every codec but Opus, whose clock is 48000 whatever it decodes to).</summary>
    int ClockRate => 8000;

    /// <summary>The most samples <see cref="Decode"/> may write for a payload of <paramref name="payloadLength"/> bytes.</summary>
    int GetSampleCount(int payloadLength);

    /// <summary>Decodes <paramref name="payload"/> into <paramref name="pcm"/>; returns the number of samples written (0: nothing usable).</summary>
    int Decode(ReadOnlySpan<byte> payload, Span<short> pcm);

    /// <summary>True when the last payload decoded ended with the codec's own silence descriptor (G.729 Annex B SID).</summary>
    bool InComfortNoise => false;

    /// <summary>
    /// Writes up to <paramref name="pcm"/>'s length of the codec's own comfort noise (after a SID, <see cref="InComfortNoise"/>)
    /// or loss concealment; returns the samples written, 0 when the codec has neither.
    /// </summary>
    int Conceal(Span<short> pcm) => 0;

    /// <summary>
    /// Recovers the packet lost just before <paramref name="nextPayload"/> from the redundancy it carries (Opus in-band FEC,
    /// RFC 7587 §3.3); returns the samples written (at most <paramref name="pcm"/>'s length), 0 when it carries none.
    /// </summary>
    int DecodeRedundancy(ReadOnlySpan<byte> nextPayload, Span<short> pcm) => 0;
}
