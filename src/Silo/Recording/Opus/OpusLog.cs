namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>Log messages of Opus encoding (EventIds 5090-5099, the end of the recording area's range).</summary>
internal static partial class OpusLog
{
    private static int _encoderReported;

    [LoggerMessage(5090, LogLevel.Information, "Recordings are encoded to Ogg Opus by {Encoder} at {Bitrate} bit/s, complexity {Complexity}")]
    public static partial void NativeEncoder(ILogger logger, string encoder, int bitrate, int complexity);

    [LoggerMessage(5091, LogLevel.Warning, "Recordings are encoded to Ogg Opus by {Encoder} at {Bitrate} bit/s, complexity {Complexity}: native libopus (libopus.so, Debian package libopus-dev) was not found, so encoding costs about 5 times the CPU")]
    public static partial void ManagedEncoder(ILogger logger, string encoder, int bitrate, int complexity);

    [LoggerMessage(5092, LogLevel.Debug, "Recording {RecordingId} encoded to Ogg Opus: {Packets} packets, pre-skip {PreSkip}, {SizeBytes} bytes, {EncodeMilliseconds:F0} ms, {FramesGated} of {StreamFrames} channel frames quiet (not encoded)")]
    public static partial void Encoded(ILogger logger, string recordingId, long packets, int preSkip, long sizeBytes, double encodeMilliseconds, long framesGated, long streamFrames);

    /// <summary>Which encoder is in use, once per process: it is fixed by what the process could load.</summary>
    public static void ReportEncoderOnce(ILogger logger, OggOpusWriter writer, OpusEncoderOptions options)
    {
        if (Interlocked.Exchange(ref _encoderReported, 1) != 0)
        {
            return;
        }

        if (writer.IsNative)
        {
            NativeEncoder(logger, writer.EncoderDescription, options.Bitrate, options.Complexity);
        }
        else
        {
            ManagedEncoder(logger, writer.EncoderDescription, options.Bitrate, options.Complexity);
        }
    }
}
