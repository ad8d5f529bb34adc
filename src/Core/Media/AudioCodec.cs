namespace OrleansRecorder.Silo.Media;

/// <summary>
/// Audio codecs the recorder can decode. The value is the RFC 3551 static payload type where there is one (0, 8, 9, 18);
/// Opus has none (RFC 7587: dynamic), so it gets a value outside 0–127.
/// </summary>
public enum AudioCodec
{
    /// <summary>G.711 µ-law, PT 0.</summary>
    Pcmu = 0,

    /// <summary>G.711 A-law, PT 8.</summary>
    Pcma = 8,

    /// <summary>G.722, PT 9 (RTP clock 8000 although it samples at 16 kHz, RFC 3551 §4.5.2).</summary>
    G722 = 9,

    /// <summary>G.729 (Annex A and B), PT 18, through the optional system library libbcg729 (RFC 3551 §4.5.6).</summary>
    G729 = 18,

    /// <summary>Opus, dynamic PT, <c>opus/48000/2</c> in SDP whatever the audio rate (RFC 7587 §7).</summary>
    Opus = 1000,
}
