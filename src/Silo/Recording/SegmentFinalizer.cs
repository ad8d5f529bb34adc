using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using NAudio.Wave;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Merges a segment directory into <c>recordings/{yyyy}/{MM}/{dd}/{id}.wav</c> (or <c>.opus</c>, per
/// <see cref="RecordingOptions.Format"/>) plus <c>{id}.json</c>, then deletes the
/// segments. Shared by <see cref="RecordingSession.FinalizeAsync"/> and <see cref="RecordingRecovery"/>.
/// </summary>
/// <remarks>
/// Streams in blocks (never the whole call in memory). Every output appears by atomic rename, and the segments are
/// deleted last, so a crash at any point leaves something the next start can finalize again.
/// </remarks>
internal static class SegmentFinalizer
{
    /// <summary>The narrowband rate: every recording's before issue #13, and a call's whose legs are both narrowband.</summary>
    public const int SampleRate = 8000;

    /// <summary>The most leading silence inserted to align the legs (10 s): more means clock trouble, not media.</summary>
    public const long MaxLeadingSilenceSamples = 10L * SampleRate;

    private const string UpsampledSuffix = ".upsampled";

    private const int BlockFrames = 4096;
    private const int HashBufferSize = 64 * 1024;

    public static Task<FinalizedRecording> FinalizeAsync(
        RecordingOptions options,
        string segmentDirectory,
        SessionState state,
        RecordingStatus status,
        RtpLegStats? nearEndStats,
        RtpLegStats? farEndStats,
        IEnumerable<string> flags,
        DateTimeOffset endedAt,
        CancellationToken cancellationToken) =>
        FinalizeAsync(options, segmentDirectory, state, status, nearEndStats, farEndStats, flags, endedAt, NullLogger.Instance, cancellationToken);

    public static async Task<FinalizedRecording> FinalizeAsync(
        RecordingOptions options,
        string segmentDirectory,
        SessionState state,
        RecordingStatus status,
        RtpLegStats? nearEndStats,
        RtpLegStats? farEndStats,
        IEnumerable<string> flags,
        DateTimeOffset endedAt,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var format = RecordingFormats.Normalize(options.Format);
        var info = state.Info;
        RecordingPaths.ValidateRecordingId(info.RecordingId);
        var nearPath = Path.Combine(segmentDirectory, RecordingPaths.NearEndFileName);
        var farPath = Path.Combine(segmentDirectory, RecordingPaths.FarEndFileName);
        var nearSamples = SampleCount(nearPath);
        var farSamples = SampleCount(farPath);

        // One rate for both channels: the wideband one if either leg with audio is wideband; the other leg is upsampled
        // (a narrowband party stays narrowband, but in a 16 kHz file).
        var nearRate = state.NearEndSampleRate ?? SampleRate;
        var farRate = state.FarEndSampleRate ?? SampleRate;
        var rate = Math.Max(nearSamples > 0 ? nearRate : SampleRate, farSamples > 0 ? farRate : SampleRate);
        if (nearSamples > 0 && nearRate < rate)
        {
            (nearPath, nearSamples) = await UpsampleAsync(nearPath, cancellationToken);
        }

        if (farSamples > 0 && farRate < rate)
        {
            (farPath, farSamples) = await UpsampleAsync(farPath, cancellationToken);
        }

        var (nearLead, farLead) = Align(state.NearEndFirstPacketAt, state.FarEndFirstPacketAt, nearSamples, farSamples, rate);
        var frames = Math.Max(nearLead + nearSamples, farLead + farSamples);

        var directory = RecordingPaths.RecordingDirectory(options, info.StartedAt);
        Directory.CreateDirectory(directory);
        var audioPath = Path.Combine(directory, info.RecordingId + RecordingFormats.Extension(format));
        var manifestPath = Path.Combine(directory, info.RecordingId + ".json");
        var audioTemp = audioPath + ".tmp";

        var nearSource = new LegSource(nearPath, nearLead, nearSamples);
        var farSource = new LegSource(farPath, farLead, farSamples);
        if (format == RecordingFormats.Opus)
        {
            await WriteOpusAsync(audioTemp, nearSource, farSource, frames, rate, options.Opus, info.RecordingId, logger, cancellationToken);
        }
        else
        {
            await WriteWaveAsync(audioTemp, nearSource, farSource, frames, rate, cancellationToken);
        }

        // The one step that makes the stored file ciphertext; everything after (hash, size, replication) sees only it.
        var encryption = options.Encryptor is { } encryptor
            ? await encryptor.SealAsync(audioTemp, options.DataDirectory, info.RecordingId, cancellationToken)
            : null;
        var sha256 = await HashAsync(audioTemp, cancellationToken);
        var sizeBytes = new FileInfo(audioTemp).Length;
        File.Move(audioTemp, audioPath, overwrite: true);

        var allFlags = new List<string>();
        foreach (var flag in flags)
        {
            if (!allFlags.Contains(flag, StringComparer.Ordinal))
            {
                allFlags.Add(flag);
            }
        }

        if (nearSamples == 0 && farSamples == 0)
        {
            // Never a silently empty recording: the file exists, the manifest says why it holds nothing.
            if (!allFlags.Contains("no-audio", StringComparer.Ordinal))
            {
                allFlags.Add("no-audio");
            }

            if (status == RecordingStatus.Complete)
            {
                status = RecordingStatus.Partial;
            }
        }

        var metadata = info.Metadata;
        var manifest = new RecordingManifest
        {
            Id = info.RecordingId,
            RefCi = metadata.RefCi,
            StartedAt = CatalogTime.Truncate(info.StartedAt),
            EndedAt = CatalogTime.Truncate(endedAt),
            DurationSeconds = (double)frames / rate,
            SampleRate = rate,
            NearEnd = new RecordingParty
            {
                Number = metadata.NearEndAddress,
                Device = metadata.NearEndDevice,
                Codec = info.NearEndCodec,
                SrtpSuite = info.NearEndSrtpSuite,
                CallId = info.NearEndCallId,
                SignallingTransport = info.NearEndSignallingTransport,
                FirstPacketAt = state.NearEndFirstPacketAt,
                LeadingSilenceSamples = nearLead,
                Samples = nearSamples,
                SampleRate = nearRate,
                Stats = nearEndStats,
            },
            FarEnd = new RecordingParty
            {
                Number = metadata.FarEndAddress,
                Device = metadata.FarEndDevice,
                Codec = info.FarEndCodec,
                SrtpSuite = info.FarEndSrtpSuite,
                CallId = info.FarEndCallId,
                SignallingTransport = info.FarEndSignallingTransport,
                FirstPacketAt = state.FarEndFirstPacketAt,
                LeadingSilenceSamples = farLead,
                Samples = farSamples,
                SampleRate = farRate,
                Stats = farEndStats,
            },
            Profile = metadata.Profile,
            Format = format,
            SizeBytes = sizeBytes,
            Sha256 = sha256,
            Encryption = encryption,
            RecordedBy = info.RecordedBy,
            Status = status,
            Flags = allFlags,
            Pauses = PlacePauses(state, nearLead, farLead, (double)frames / rate, endedAt),
            Dtmf = PlaceDtmf(state.Dtmf, nearLead, farLead, rate, nearRate, farRate),
            Cucm = metadata,
            Siprec = info.Siprec,
        };

        if (options.Sealer is { } sealer)
        {
            manifest = await sealer.SealAsync(manifest, cancellationToken);
        }

        await AtomicFile.WriteJsonAsync(manifestPath, manifest, RecordingJsonContext.Default.RecordingManifest, cancellationToken);
        Directory.Delete(segmentDirectory, recursive: true);
        return new FinalizedRecording(info.RecordingId, audioPath, manifestPath, manifest);
    }

    /// <summary>
    /// Leading silence per leg from the first-packet arrival times: the earlier leg starts at sample 0, the other one
    /// later by the difference (clamped to <see cref="MaxLeadingSilenceSamples"/>). Nothing to align if a leg is silent.
    /// </summary>
    public static (long NearLead, long FarLead) Align(DateTimeOffset? nearFirst, DateTimeOffset? farFirst, long nearSamples, long farSamples) =>
        Align(nearFirst, farFirst, nearSamples, farSamples, SampleRate);

    /// <summary><see cref="Align(DateTimeOffset?, DateTimeOffset?, long, long)"/> in samples of <paramref name="rate"/>.</summary>
    public static (long NearLead, long FarLead) Align(DateTimeOffset? nearFirst, DateTimeOffset? farFirst, long nearSamples, long farSamples, int rate)
    {
        if (nearFirst is not { } near || farFirst is not { } far || nearSamples == 0 || farSamples == 0)
        {
            return (0, 0);
        }

        var maxLead = MaxLeadingSilenceSamples * rate / SampleRate;
        var lead = (long)Math.Round((far - near).TotalSeconds * rate, MidpointRounding.AwayFromZero);
        return lead >= 0
            ? (0, Math.Min(lead, maxLead))
            : (Math.Min(-lead, maxLead), 0);
    }

    /// <summary>
    /// Writes a narrowband segment at twice its rate beside it (<c>*.upsampled</c>, rewritten from scratch if a crash left
    /// one) and returns its path and sample count. Streams in blocks with one interpolator, so block edges leave no trace.
    /// </summary>
    private static async Task<(string Path, long Samples)> UpsampleAsync(string path, CancellationToken cancellationToken)
    {
        var upsampledPath = path + UpsampledSuffix;
        var input = ArrayPool<byte>.Shared.Rent(BlockFrames * sizeof(short));
        var output = ArrayPool<byte>.Shared.Rent(BlockFrames * 2 * sizeof(short));
        try
        {
            var interpolator = new Media.Codecs.HalfBandInterpolator();
            long written = 0;
            await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, useAsync: true);
            await using var target = new FileStream(upsampledPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            var wholeBytes = source.Length / sizeof(short) * sizeof(short);
            long read = 0;
            while (read < wholeBytes)
            {
                var count = (int)Math.Min(BlockFrames * sizeof(short), wholeBytes - read);
                await source.ReadExactlyAsync(input.AsMemory(0, count), cancellationToken);
                read += count;
                var samples = Interpolate(interpolator, input, output, count / sizeof(short));
                await target.WriteAsync(output.AsMemory(0, samples * sizeof(short)), cancellationToken);
                written += samples;
            }

            return (upsampledPath, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }

        static int Interpolate(Media.Codecs.HalfBandInterpolator interpolator, byte[] input, byte[] output, int samples) =>
            interpolator.Interpolate(
                MemoryMarshal.Cast<byte, short>(input.AsSpan(0, samples * sizeof(short))),
                MemoryMarshal.Cast<byte, short>(output.AsSpan(0, samples * 2 * sizeof(short))));
    }

    /// <summary>
    /// The session's pauses, closed (one still open ends with the recording) and placed in the audio. The audio's first
    /// sample is the earlier leg's first packet (see <see cref="Align(DateTimeOffset?, DateTimeOffset?, long, long, int)"/>), or the recording's start when no packet came;
    /// the RTP receiver fills the time between packets with silence, so audio time follows the wall clock.
    /// </summary>
    public static IReadOnlyList<RecordingPause> PlacePauses(
        SessionState state, long nearLead, long farLead, double durationSeconds, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Pauses.Count == 0)
        {
            return [];
        }

        // The leg with no leading silence defines sample 0.
        var audioZero = (state.NearEndFirstPacketAt, state.FarEndFirstPacketAt) switch
        {
            ({ } near, { } far) => nearLead == 0 && farLead == 0 ? (near < far ? near : far) : (nearLead == 0 ? near : far),
            ({ } near, null) => near,
            (null, { } far) => far,
            _ => state.Info.StartedAt,
        };

        var placed = new List<RecordingPause>(state.Pauses.Count);
        foreach (var pause in state.Pauses)
        {
            var end = pause.EndedAt ?? endedAt;
            if (end < pause.StartedAt)
            {
                end = pause.StartedAt;
            }

            var offset = Math.Clamp((pause.StartedAt - audioZero).TotalSeconds, 0, durationSeconds);
            placed.Add(pause with
            {
                EndedAt = end,
                OffsetSeconds = Math.Round(offset, 3),
                DurationSeconds = Math.Round((end - pause.StartedAt).TotalSeconds, 3),
            });
        }

        return placed;
    }

    /// <summary>Each event's place in the audio: its leg's leading silence plus its offset in the leg, at the recording's rate.</summary>
    public static IReadOnlyList<RecordingDtmf> PlaceDtmf(IReadOnlyList<RecordingDtmf> events, long nearLead, long farLead, int rate, int nearRate, int farRate)
    {
        ArgumentNullException.ThrowIfNull(events);
        var placed = new List<RecordingDtmf>(events.Count);
        foreach (var dtmf in events)
        {
            var near = dtmf.Leg == RecordingPause.NearEndLeg;
            var legRate = near ? nearRate : farRate;
            var sample = (near ? nearLead : farLead) + (dtmf.LegSampleOffset * rate / legRate);
            placed.Add(dtmf with { OffsetSeconds = Math.Round((double)sample / rate, 3) });
        }

        return placed;
    }

    /// <summary>Whole samples in a segment; a torn last byte (odd length) is ignored, a missing file is empty.</summary>
    private static long SampleCount(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length / sizeof(short) : 0;
    }

    private static async Task WriteWaveAsync(string path, LegSource nearEnd, LegSource farEnd, long frames, int rate, CancellationToken cancellationToken)
    {
        var nearBuffer = ArrayPool<byte>.Shared.Rent(BlockFrames * sizeof(short));
        var farBuffer = ArrayPool<byte>.Shared.Rent(BlockFrames * sizeof(short));
        var stereoBuffer = ArrayPool<byte>.Shared.Rent(BlockFrames * 2 * sizeof(short));
        try
        {
            await using var nearStream = nearEnd.Open();
            await using var farStream = farEnd.Open();
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
            using var writer = new WaveFileWriter(file, new WaveFormat(rate, 16, 2));
            for (long frame = 0; frame < frames; frame += BlockFrames)
            {
                var count = (int)Math.Min(BlockFrames, frames - frame);
                await nearEnd.ReadBlockAsync(nearStream, nearBuffer, frame, count, cancellationToken);
                await farEnd.ReadBlockAsync(farStream, farBuffer, frame, count, cancellationToken);
                Interleave(nearBuffer, farBuffer, stereoBuffer, count);
                writer.Write(stereoBuffer, 0, count * 2 * sizeof(short));
            }

            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(nearBuffer);
            ArrayPool<byte>.Shared.Return(farBuffer);
            ArrayPool<byte>.Shared.Return(stereoBuffer);
        }
    }

    /// <summary>The WAV loop with an Ogg Opus writer instead: same blocks, same interleaving, one 20 ms packet per frame.</summary>
    private static async Task WriteOpusAsync(
        string path,
        LegSource nearEnd,
        LegSource farEnd,
        long frames,
        int rate,
        OpusEncoderOptions opusOptions,
        string recordingId,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var nearBuffer = ArrayPool<byte>.Shared.Rent(BlockFrames * sizeof(short));
        var farBuffer = ArrayPool<byte>.Shared.Rent(BlockFrames * sizeof(short));
        var stereoBuffer = ArrayPool<byte>.Shared.Rent(BlockFrames * 2 * sizeof(short));
        try
        {
            await using var nearStream = nearEnd.Open();
            await using var farStream = farEnd.Open();
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);

            // The serial only has to differ between streams chained or multiplexed in one file; random is the Ogg custom.
            using var writer = new OggOpusWriter(file, opusOptions, Random.Shared.Next(), [$"RECORDING_ID={recordingId}"], rate);
            OpusLog.ReportEncoderOnce(logger, writer, opusOptions);
            for (long frame = 0; frame < frames; frame += BlockFrames)
            {
                var count = (int)Math.Min(BlockFrames, frames - frame);
                await nearEnd.ReadBlockAsync(nearStream, nearBuffer, frame, count, cancellationToken);
                await farEnd.ReadBlockAsync(farStream, farBuffer, frame, count, cancellationToken);
                Interleave(nearBuffer, farBuffer, stereoBuffer, count);
                writer.Write(MemoryMarshal.Cast<byte, short>(stereoBuffer.AsSpan(0, count * 2 * sizeof(short))));
            }

            writer.Complete();
            file.Flush(flushToDisk: true);
            OpusLog.Encoded(logger, recordingId, writer.Packets, writer.PreSkip, file.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(nearBuffer);
            ArrayPool<byte>.Shared.Return(farBuffer);
            ArrayPool<byte>.Shared.Return(stereoBuffer);
        }
    }

    private static void Interleave(byte[] left, byte[] right, byte[] stereo, int frames)
    {
        var l = MemoryMarshal.Cast<byte, short>(left.AsSpan(0, frames * sizeof(short)));
        var r = MemoryMarshal.Cast<byte, short>(right.AsSpan(0, frames * sizeof(short)));
        var s = MemoryMarshal.Cast<byte, short>(stereo.AsSpan(0, frames * 2 * sizeof(short)));
        for (var i = 0; i < frames; i++)
        {
            s[2 * i] = l[i];
            s[(2 * i) + 1] = r[i];
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(HashBufferSize);
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
            await using (stream)
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(0, HashBufferSize), cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
