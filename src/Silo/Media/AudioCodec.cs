namespace OrleansRecorder.Silo.Media;

/// <summary>Audio codecs the recorder can decode (RFC 3551 static payload types 0, 8 and 9).</summary>
public enum AudioCodec
{
    /// <summary>G.711 µ-law, PT 0.</summary>
    Pcmu = 0,

    /// <summary>G.711 A-law, PT 8.</summary>
    Pcma = 8,

    /// <summary>G.722, PT 9 (RTP clock 8000 although it samples at 16 kHz, RFC 3551 §4.5.2).</summary>
    G722 = 9,
}
