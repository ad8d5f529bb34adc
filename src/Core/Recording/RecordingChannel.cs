using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// A channel beyond the call's two legs (a SIPREC session's third stream and on), in <c>session.json</c>: its segment is
/// <see cref="RecordingPaths.ChannelFileName"/>, its place in the file <see cref="Channel"/>.
/// </summary>
internal sealed record RecordingChannel
{
    /// <summary>0-based channel in the file (2 and up: 0 and 1 are the near and far end).</summary>
    public required int Channel { get; init; }

    /// <summary>The SIPREC stream's <c>a=label</c>; names the channel's pauses and digits.</summary>
    public required string Label { get; init; }

    /// <summary>When the stream was set up: a stream a re-INVITE added is silent before it, however long that is.</summary>
    public required DateTimeOffset AddedAt { get; init; }

    public AudioCodec? Codec { get; init; }

    public DateTimeOffset? FirstPacketAt { get; init; }

    /// <summary>Null: 8000.</summary>
    public int? SampleRate { get; init; }
}
