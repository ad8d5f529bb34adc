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
/// segments. A call is two channels (left = near end, right = far end); a SIPREC session is one per stream
/// (<see cref="SessionState.ChannelCount"/>): 1 for a single mixed stream, 3 and more as its streams come. Shared by <see cref="RecordingSession.FinalizeAsync"/> and <see cref="RecordingRecovery"/>.
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

    private const int BlockFrames = 4096;
    private const int HashBufferSize = 64 * 1024;

    /// <summary>
    /// The most encoder output an encrypted recording keeps in memory before its encryption (<see cref="AudioSpool"/>):
    /// about 5 minutes of a two-channel call in Ogg Opus, 30 s in WAV; longer ones spill to a file.
    /// </summary>
    internal const int SpoolMemoryLimit = 1024 * 1024;

    /// <summary>The spill file of <see cref="AudioSpool"/>, in the segment folder.</summary>
    internal const string SpoolFileName = "audio.spool.tmp";

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

    /// <summary>Finalizes the segments; <c>extraStats</c> are the counters of channels 2 and on (SIPREC streams), by channel.</summary>
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
        CancellationToken cancellationToken,
        IReadOnlyDictionary<int, RtpLegStats>? extraStats = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);

        // Encrypted segments (docs/ENCRYPTION.md): the call's key, unwrapped from its state as recovery and a peer's takeover do.
        var segmentKey = state.SegmentKey is { } wrapped
            ? (options.SegmentKeys ?? throw new Encryption.KeyUnavailableException($"Recording {state.Info.RecordingId}: its segments are encrypted and this node has no segment keys.")).Unwrap(wrapped)
            : null;

        // Each segment is opened once, by the merge below: its length is read from the open stream, which is then read.
        var segments = new List<Stream>();
        try
        {
            return await FinalizeAsync(options, segmentDirectory, state, status, nearEndStats, farEndStats, flags, endedAt, logger, segmentKey, segments, cancellationToken, extraStats);
        }
        finally
        {
            foreach (var segment in segments)
            {
                await segment.DisposeAsync();
            }

            if (segmentKey is not null)
            {
                CryptographicOperations.ZeroMemory(segmentKey);
            }
        }
    }

    private static async Task<FinalizedRecording> FinalizeAsync(
        RecordingOptions options,
        string segmentDirectory,
        SessionState state,
        RecordingStatus status,
        RtpLegStats? nearEndStats,
        RtpLegStats? farEndStats,
        IEnumerable<string> flags,
        DateTimeOffset endedAt,
        ILogger logger,
        byte[]? segmentKey,
        List<Stream> segments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<int, RtpLegStats>? extraStats)
    {
        var format = RecordingFormats.Normalize(options.Format);
        var info = state.Info;
        RecordingPaths.ValidateRecordingId(info.RecordingId);
        var nearPath = Path.Combine(segmentDirectory, RecordingPaths.NearEndFileName);
        var farPath = Path.Combine(segmentDirectory, RecordingPaths.FarEndFileName);
        var near = OpenSegment(nearPath, segmentKey, segments);
        var far = OpenSegment(farPath, segmentKey, segments);
        var nearSamples = SampleCount(near);
        var farSamples = SampleCount(far);
        var nearJournal = LegGapJournal.Read(nearPath, nearSamples, segmentKey);
        var farJournal = LegGapJournal.Read(farPath, farSamples, segmentKey);

        // One rate for every channel: the wideband one if any channel with audio is wideband; the others are upsampled
        // below, once the extra channels' rates are known too (a narrowband party stays narrowband, but in a 16 kHz file).
        var nearRate = state.NearEndSampleRate ?? SampleRate;
        var farRate = state.FarEndSampleRate ?? SampleRate;
        var rate = Math.Max(nearSamples > 0 ? nearRate : SampleRate, farSamples > 0 ? farRate : SampleRate);
        var channels = state.ChannelCount();
        var extras = new List<(RecordingChannel Channel, string Path, Stream? Segment, long Samples, bool Upsampled)>();
        var extraJournals = new Dictionary<int, IReadOnlyList<LegGap>>();
        foreach (var extra in state.ExtraChannels)
        {
            var path = Path.Combine(segmentDirectory, RecordingPaths.ChannelFileName(extra.Channel));
            var segment = OpenSegment(path, segmentKey, segments);
            var samples = SampleCount(segment);
            extraJournals[extra.Channel] = LegGapJournal.Read(path, samples, segmentKey);
            if (samples > 0 && rate < (extra.SampleRate ?? SampleRate))
            {
                // A wideband third stream when both legs were narrowband: the legs are upsampled below.
                rate = extra.SampleRate ?? SampleRate;
            }

            extras.Add((extra, path, segment, samples, false));
        }

        // Upsampled as they are read (UpsampledStream), block by block in memory: no temporary file of plain audio.
        var nearUpsampled = nearSamples > 0 && nearRate < rate;
        var farUpsampled = farSamples > 0 && farRate < rate;
        nearSamples = nearUpsampled ? UpsampledStream.UpsampledSamples(nearSamples) : nearSamples;
        farSamples = farUpsampled ? UpsampledStream.UpsampledSamples(farSamples) : farSamples;
        for (var i = 0; i < extras.Count; i++)
        {
            if (extras[i].Samples > 0 && (extras[i].Channel.SampleRate ?? SampleRate) < rate)
            {
                extras[i] = (extras[i].Channel, extras[i].Path, extras[i].Segment, UpsampledStream.UpsampledSamples(extras[i].Samples), true);
            }
        }

        long nearLead, farLead;
        long[] extraLeads;
        DateTimeOffset? audioZero;
        if (channels == 2 && extras.Count == 0)
        {
            // A call (or a two-stream session): exactly as before N channels, so its output is byte for byte the same.
            (nearLead, farLead) = Align(state.NearEndFirstPacketAt, state.FarEndFirstPacketAt, nearSamples, farSamples, rate);
            extraLeads = [];
            audioZero = null;
        }
        else
        {
            var maxLead = MaxLeadingSilenceSamples * rate / SampleRate;
            List<(DateTimeOffset? First, long Samples, long MaxLead)> all =
            [
                (state.NearEndFirstPacketAt, nearSamples, maxLead),
                (state.FarEndFirstPacketAt, farSamples, maxLead),
                .. extras.Select(e => (e.Channel.FirstPacketAt, e.Samples, maxLead + LateStart(e.Channel.AddedAt, info.StartedAt, rate))),
            ];
            (var leads, audioZero) = AlignAll(all, rate);
            (nearLead, farLead, extraLeads) = (leads[0], leads[1], leads[2..]);
        }

        var sources = new LegSource[channels];
        for (var c = 0; c < channels; c++)
        {
            sources[c] = c switch
            {
                0 => new LegSource(near, nearLead, nearSamples, nearUpsampled),
                1 => new LegSource(far, farLead, farSamples, farUpsampled),
                _ => extras.FindIndex(e => e.Channel.Channel == c) is var i and >= 0
                    ? new LegSource(extras[i].Segment, extraLeads[i], extras[i].Samples, extras[i].Upsampled)
                    : new LegSource(null, 0, 0),
            };
        }

        long frames = 0;
        foreach (var source in sources)
        {
            frames = Math.Max(frames, source.Lead + source.Samples);
        }

        var directory = RecordingPaths.RecordingDirectory(options, info.StartedAt);
        Directory.CreateDirectory(directory);
        var audioPath = Path.Combine(directory, info.RecordingId + RecordingFormats.Extension(format));
        var manifestPath = Path.Combine(directory, info.RecordingId + ".json");
        var audioTemp = audioPath + ".tmp";

        // One file for the audio, hashed as it is written (never read back). Plain: the encoder writes the temporary
        // file, fsynced and renamed into place. Encrypted: the encoder's output waits in memory (or, for a long call,
        // in a spill file under the call's segment key, so no plain audio touches the disk) until its length is known,
        // then is encrypted straight into the file that is renamed into place.
        Encryption.RecordingEncryptionInfo? encryption;
        string sha256;
        long sizeBytes;
        if (options.Encryptor is { } encryptor)
        {
            // A spill goes into the call's own folder: skipped by live shipping (".tmp"), deleted with the segments,
            // and a killed finalization's is replaced by the next attempt's.
            await using var spool = new AudioSpool(Path.Combine(segmentDirectory, SpoolFileName), segmentKey, SpoolMemoryLimit);
            await WriteAudioAsync(format, spool, sources, frames, rate, options.Opus, info.RecordingId, logger, cancellationToken);
            await using var plain = spool.OpenRead();
            var sealedAudio = await encryptor.SealAsync(plain, spool.Length, audioTemp + ".enc", audioPath, options.DataDirectory, info.RecordingId, cancellationToken);
            (encryption, sha256, sizeBytes) = (sealedAudio.Encryption, sealedAudio.Sha256, sealedAudio.SizeBytes);
        }
        else
        {
            await using (var file = SegmentFile.CreateTemporary(audioTemp, null))
            await using (var stored = new HashingWriteStream(file))
            {
                await WriteAudioAsync(format, stored, sources, frames, rate, options.Opus, info.RecordingId, logger, cancellationToken);
                SegmentFile.FlushToDisk(file);
                (encryption, sha256, sizeBytes) = (null, stored.Sha256(), stored.Position);
            }

            File.Move(audioTemp, audioPath, overwrite: true);
        }

        foreach (var segment in segments)
        {
            await segment.DisposeAsync(); // closed before their folder is deleted below
        }

        var allFlags = new List<string>();
        foreach (var flag in flags)
        {
            if (!allFlags.Contains(flag, StringComparer.Ordinal))
            {
                allFlags.Add(flag);
            }
        }

        if (sources.All(s => s.Samples == 0))
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

        var startedAt = CatalogTime.Truncate(info.StartedAt);
        var endedAtStored = CatalogTime.Truncate(endedAt);
        var durationSeconds = (double)frames / rate;
        var twoChannelCall = audioZero is null && extras.Count == 0 && channels == 2;
        var zero = twoChannelCall ? AudioZero(state, nearLead, farLead) : audioZero ?? info.StartedAt;
        var pauses = PlacePauses(state.Pauses, zero, durationSeconds, endedAt);
        var headSamples = GapLedger.HeadSamples(startedAt, zero, rate);
        var callSamples = GapLedger.CallSamples(startedAt, endedAtStored, headSamples, frames, rate);
        List<GapChannel> gapChannels =
        [
            new(RecordingPause.NearEndLeg, 0, nearLead, nearSamples, nearJournal, rate / nearRate, EndReason(allFlags, "near-end")),
            new(RecordingPause.FarEndLeg, 1, farLead, farSamples, farJournal, rate / farRate, EndReason(allFlags, "far-end")),
            .. extras.Select((e, i) => new GapChannel(
                e.Channel.Label,
                e.Channel.Channel,
                extraLeads[i],
                e.Samples,
                extraJournals[e.Channel.Channel],
                rate / (e.Channel.SampleRate ?? SampleRate),
                EndReason(allFlags, $"stream-{e.Channel.Label}"))),
        ];
        var gaps = GapLedger.Build(
            gapChannels,
            // Placed without the display's clamp to the audio: a hold after the last packet still cuts the tail where it began.
            PlacePauses(state.Pauses, zero, double.MaxValue, endedAt),
            headSamples,
            callSamples,
            rate,
            status == RecordingStatus.Interrupted ? RecordingGap.NodeDeathReason : null);

        var metadata = info.Metadata;
        var manifest = new RecordingManifest
        {
            Id = info.RecordingId,
            RefCi = metadata.RefCi,
            StartedAt = startedAt,
            EndedAt = endedAtStored,
            DurationSeconds = durationSeconds,
            CallSamples = callSamples,
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
            Channels = channels,
            ExtraChannels = extras.Count == 0 ? null : [.. extras.Select((e, i) => new RecordingParty
            {
                Channel = e.Channel.Channel,
                Label = e.Channel.Label,
                Codec = e.Channel.Codec,
                CallId = info.NearEndCallId,
                SignallingTransport = info.NearEndSignallingTransport,
                FirstPacketAt = e.Channel.FirstPacketAt,
                LeadingSilenceSamples = extraLeads[i],
                Samples = e.Samples,
                SampleRate = e.Channel.SampleRate ?? SampleRate,
                Stats = extraStats?.GetValueOrDefault(e.Channel.Channel),
            })],
            Profile = metadata.Profile,
            Format = format,
            SizeBytes = sizeBytes,
            Sha256 = sha256,
            Encryption = encryption,
            RecordedBy = info.RecordedBy,
            Status = status,
            Flags = allFlags,
            Pauses = pauses,
            Gaps = gaps,
            Dtmf = PlaceDtmf(state.Dtmf, rate, leg => leg switch
            {
                RecordingPause.NearEndLeg => (nearLead, nearRate),
                RecordingPause.FarEndLeg => (farLead, farRate),
                _ => extras.FindIndex(e => e.Channel.Label == leg) is var i and >= 0
                    ? (extraLeads[i], extras[i].Channel.SampleRate ?? SampleRate)
                    : (0L, SampleRate),
            }),
            Cucm = metadata,
            Siprec = info.Siprec,
        };

        if (options.Sealer is { } sealer)
        {
            manifest = await sealer.SealAsync(manifest, cancellationToken);
        }

        // Synchronous: a few kilobytes, where an asynchronous handle is the same system calls made on a pool thread.
        // Durable (fsync) before the segments go: from here the manifest is the only record of the call's metadata.
        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.WriteJson(manifestPath, manifest, RecordingJsonContext.Default.RecordingManifest);
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
    /// <see cref="Align(DateTimeOffset?, DateTimeOffset?, long, long, int)"/> for any number of channels: the earliest
    /// first packet of a channel with audio is sample 0 (returned as the audio's zero; null when no channel has a time),
    /// every other channel starts later by its difference, clamped to its own maximum. Channels without audio or time
    /// start at 0.
    /// </summary>
    public static (long[] Leads, DateTimeOffset? Zero) AlignAll(IReadOnlyList<(DateTimeOffset? First, long Samples, long MaxLead)> channels, int rate)
    {
        ArgumentNullException.ThrowIfNull(channels);
        DateTimeOffset? zero = null;
        foreach (var (first, samples, _) in channels)
        {
            if (first is { } at && samples > 0 && (zero is null || at < zero))
            {
                zero = at;
            }
        }

        var leads = new long[channels.Count];
        for (var i = 0; i < channels.Count; i++)
        {
            var (first, samples, maxLead) = channels[i];
            if (zero is { } z && first is { } at && samples > 0)
            {
                leads[i] = Math.Min((long)Math.Round((at - z).TotalSeconds * rate, MidpointRounding.AwayFromZero), maxLead);
            }
        }

        return (leads, zero);
    }

    /// <summary>How much later than the recording's start a channel was added, in samples: silence it may lead with.</summary>
    private static long LateStart(DateTimeOffset addedAt, DateTimeOffset startedAt, int rate) =>
        Math.Max(0, (long)Math.Round((addedAt - startedAt).TotalSeconds * rate));

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

        return PlacePauses(state.Pauses, AudioZero(state, nearLead, farLead), durationSeconds, endedAt);
    }

    /// <summary>The pauses closed and placed in audio whose first sample is <paramref name="audioZero"/>.</summary>
    public static IReadOnlyList<RecordingPause> PlacePauses(
        IReadOnlyList<RecordingPause> pauses, DateTimeOffset audioZero, double durationSeconds, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(pauses);
        var placed = new List<RecordingPause>(pauses.Count);
        foreach (var pause in pauses)
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

    /// <summary>
    /// The wall-clock time of the audio's first sample: the first packet of the leg with no leading silence, or the
    /// recording's start when no packet came.
    /// </summary>
    public static DateTimeOffset AudioZero(SessionState state, long nearLead, long farLead)
    {
        ArgumentNullException.ThrowIfNull(state);
        return (state.NearEndFirstPacketAt, state.FarEndFirstPacketAt) switch
        {
            ({ } near, { } far) => nearLead == 0 && farLead == 0 ? (near < far ? near : far) : (nearLead == 0 ? near : far),
            ({ } near, null) => near,
            (null, { } far) => far,
            _ => state.Info.StartedAt,
        };
    }

    /// <summary>Why a leg stopped before the call ended, from its flags (<c>{leg}-media-timeout</c>), else null.</summary>
    private static string? EndReason(List<string> flags, string legFlagPrefix) =>
        flags.Contains($"{legFlagPrefix}-{RecordingGap.MediaTimeoutReason}", StringComparer.Ordinal) ? RecordingGap.MediaTimeoutReason : null;

    /// <summary>Each event's place in the audio: its leg's leading silence plus its offset in the leg, at the recording's rate.</summary>
    public static IReadOnlyList<RecordingDtmf> PlaceDtmf(IReadOnlyList<RecordingDtmf> events, long nearLead, long farLead, int rate, int nearRate, int farRate) =>
        PlaceDtmf(events, rate, leg => leg == RecordingPause.NearEndLeg ? (nearLead, nearRate) : (farLead, farRate));

    /// <summary>As above, with each leg's (by its manifest name) leading silence and rate from <paramref name="legOf"/>.</summary>
    public static IReadOnlyList<RecordingDtmf> PlaceDtmf(IReadOnlyList<RecordingDtmf> events, int rate, Func<string, (long Lead, int Rate)> legOf)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(legOf);
        var placed = new List<RecordingDtmf>(events.Count);
        foreach (var dtmf in events)
        {
            var (lead, legRate) = legOf(dtmf.Leg);
            var sample = lead + (dtmf.LegSampleOffset * rate / legRate);
            placed.Add(dtmf with { OffsetSeconds = Math.Round((double)sample / rate, 3) });
        }

        return placed;
    }

    /// <summary>Whole samples in a segment; a torn last byte (odd length) or record is ignored, a missing file is empty.</summary>
    private static long SampleCount(Stream? segment) => segment is null ? 0 : segment.Length / sizeof(short);

    /// <summary>The segment's plaintext, opened for the merge and kept in <paramref name="opened"/> to be closed; null when missing.</summary>
    private static Stream? OpenSegment(string path, byte[]? key, List<Stream> opened)
    {
        var segment = SegmentFile.TryOpenRead(path, key);
        if (segment is not null)
        {
            opened.Add(segment);
        }

        return segment;
    }

    /// <summary>
    /// The WAV format of <paramref name="channels"/> PCM16 channels: plain PCM for mono and stereo; WAVE_FORMAT_EXTENSIBLE
    /// with no speaker positions (channel mask 0) above, which Microsoft's multichannel WAV rules ask for more than two
    /// channels, and which says that the channels are streams, not a surround layout.
    /// </summary>
    internal static WaveFormat WaveFormatFor(int rate, int channels) => channels <= 2
        ? new WaveFormat(rate, 16, channels)
        : new WaveFormatExtensible(rate, 16, channels, useIeeeFloat: false, validBitsPerSample: 16, channelMask: 0);

    private static Task WriteAudioAsync(
        string format,
        Stream output,
        LegSource[] sources,
        long frames,
        int rate,
        OpusEncoderOptions opusOptions,
        string recordingId,
        ILogger logger,
        CancellationToken cancellationToken) =>
        format == RecordingFormats.Opus
            ? WriteOpusAsync(output, sources, frames, rate, opusOptions, recordingId, logger, cancellationToken)
            : WriteWaveAsync(output, sources, frames, rate, cancellationToken);

    private static async Task WriteWaveAsync(Stream file, LegSource[] sources, long frames, int rate, CancellationToken cancellationToken)
    {
        var format = WaveFormatFor(rate, sources.Length);
        var header = WaveHeader(format, frames * format.BlockAlign);
        await using var reader = new ChannelBlocks(sources, BlockFrames);
        file.Write(header);
        for (long frame = 0; frame < frames; frame += BlockFrames)
        {
            var count = (int)Math.Min(BlockFrames, frames - frame);
            var interleaved = await reader.ReadInterleavedAsync(frame, count, cancellationToken);
            file.Write(interleaved, 0, count * sources.Length * sizeof(short));
        }
    }

    /// <summary>
    /// The WAV header NAudio writes for <paramref name="dataBytes"/> of audio. NAudio writes placeholder sizes and seeks
    /// back to fill them in at the end; the encrypted temporary file is append-only, and the sizes are known here before
    /// the first sample, so the header is taken from a dry run whose data is counted, not kept.
    /// </summary>
    internal static byte[] WaveHeader(WaveFormat format, long dataBytes)
    {
        using var probe = new HeaderProbeStream();
        using (var writer = new WaveFileWriter(probe, format))
        {
            var zeros = ArrayPool<byte>.Shared.Rent(HashBufferSize);
            try
            {
                for (var left = dataBytes; left > 0;)
                {
                    var count = (int)Math.Min(left, HashBufferSize);
                    writer.Write(zeros, 0, count);
                    left -= count;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(zeros);
            }
        }

        return probe.Header(dataBytes);
    }

    /// <summary>The WAV loop with an Ogg Opus writer instead: same blocks, same interleaving, one 20 ms packet per frame.</summary>
    private static async Task WriteOpusAsync(
        Stream file,
        LegSource[] sources,
        long frames,
        int rate,
        OpusEncoderOptions opusOptions,
        string recordingId,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var reader = new ChannelBlocks(sources, BlockFrames);

        // The serial only has to differ between streams chained or multiplexed in one file; random is the Ogg custom.
        using var writer = new OggOpusWriter(file, opusOptions, Random.Shared.Next(), [$"RECORDING_ID={recordingId}"], rate, sources.Length);
        OpusLog.ReportEncoderOnce(logger, writer, opusOptions);
        for (long frame = 0; frame < frames; frame += BlockFrames)
        {
            var count = (int)Math.Min(BlockFrames, frames - frame);
            var interleaved = await reader.ReadInterleavedAsync(frame, count, cancellationToken);
            writer.Write(MemoryMarshal.Cast<byte, short>(interleaved.AsSpan(0, count * sources.Length * sizeof(short))));
        }

        writer.Complete();
        OpusLog.Encoded(logger, recordingId, writer.Packets, writer.PreSkip, file.Position, Stopwatch.GetElapsedTime(started).TotalMilliseconds, writer.FramesGated, writer.StreamFrames);
    }
}
