namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>The header_type_flag bits of an Ogg page (RFC 3533 §6).</summary>
[Flags]
internal enum OggPageFlags : byte
{
    None = 0,

    /// <summary>The page starts with the continuation of a packet begun on the previous page.</summary>
    Continuation = 0x01,

    /// <summary>First page of the logical bitstream (beginning of stream).</summary>
    BeginningOfStream = 0x02,

    /// <summary>Last page of the logical bitstream (end of stream).</summary>
    EndOfStream = 0x04,
}
