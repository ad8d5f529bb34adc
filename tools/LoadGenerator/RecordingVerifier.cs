using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// Checks through the REST API that every answered call was recorded completely: one recording per refci, status
/// complete, duration within two packets of what was sent, per leg packetsReceived == sent and packetsLost == 0,
/// and (WAV only) the near-end tone (600 Hz) on the left channel and the far-end tone (1400 Hz) on the right.
/// </summary>
internal sealed class RecordingVerifier(Uri baseUrl, string? apiKey, bool checkAudio, double timeoutSeconds = 0)
{
    private const double DominanceRatio = 20;
    private readonly List<string> _problems = [];

    /// <summary>Called once every recording is listed (before the per-call reads), to sample the recorder's CPU.</summary>
    public Action? AllRecorded { get; init; }

    public async Task<VerifySummary> VerifyAsync(IReadOnlyCollection<PlacedCall> calls, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        var answered = calls.Where(c => c.Answered).ToDictionary(c => c.Metadata.RefCi, StringComparer.Ordinal);
        var found = new Dictionary<string, (string Id, string Status)>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds > 0 ? timeoutSeconds : 60 + (answered.Count / 20.0));
        while (true)
        {
            found.Clear();
            for (var page = 1; page < 1000; page++)
            {
                using var list = await GetJsonAsync(http, $"api/recordings?pageSize=500&page={page}", cancellationToken);
                var items = list.RootElement.GetProperty("items");
                foreach (var item in items.EnumerateArray())
                {
                    var refci = item.TryGetProperty("refci", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
                    if (answered.ContainsKey(refci))
                    {
                        var id = item.GetProperty("id").GetString()!;
                        // The same id on two pages is the listing moving under us (recordings still being indexed
                        // push items onto the next page); only another id is a second recording of the call.
                        if (found.TryGetValue(refci, out var seen) && seen.Id != id)
                        {
                            Problem($"refci {refci}: more than one recording");
                        }

                        found[refci] = (id, item.GetProperty("status").GetString()!);
                    }
                }

                if (items.GetArrayLength() < 500)
                {
                    break;
                }
            }

            if (found.Count >= answered.Count || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(1000, cancellationToken);
        }

        AllRecorded?.Invoke();
        long received = 0, lost = 0;
        int complete = 0, tonesChecked = 0, tonesOk = 0;
        foreach (var (refci, call) in answered)
        {
            if (!found.TryGetValue(refci, out var recording))
            {
                Problem($"refci {refci}: no recording");
                continue;
            }

            complete += recording.Status == "complete" ? 1 : 0;
            if (recording.Status != "complete")
            {
                Problem($"refci {refci} ({recording.Id}): status {recording.Status}");
            }

            using var detail = await GetJsonAsync(http, $"api/recordings/{recording.Id}", cancellationToken);
            var root = detail.RootElement;
            var manifest = root.GetProperty("manifest");
            var sentSeconds = Math.Max(call.Near.PacketsAttempted, call.Far.PacketsAttempted) / 50.0;
            var duration = root.GetProperty("durationSeconds").GetDouble();
            if (Math.Abs(duration - sentSeconds) > 0.045)
            {
                Problem(string.Create(CultureInfo.InvariantCulture, $"refci {refci}: duration {duration:F3} s, sent {sentSeconds:F3} s"));
            }

            foreach (var (side, leg) in (ReadOnlySpan<(string, CallLeg)>)[("nearEnd", call.Near), ("farEnd", call.Far)])
            {
                if (!manifest.TryGetProperty(side, out var party) || !party.TryGetProperty("stats", out var stats) || stats.ValueKind != JsonValueKind.Object)
                {
                    Problem($"refci {refci}: {side} has no stats");
                    continue;
                }

                var legReceived = stats.GetProperty("packetsReceived").GetInt64();
                var legLost = stats.GetProperty("packetsLost").GetInt64();
                received += legReceived;
                lost += legLost;
                if (legReceived != leg.PacketsSent || legLost != 0)
                {
                    Problem($"refci {refci}: {side} received {legReceived} of {leg.PacketsSent} sent, lost {legLost}");
                }

                // --srtp: packetsReceived also counts packets dropped at authentication, so a key mismatch must show here.
                var authFailed = stats.TryGetProperty("packetsAuthFailed", out var failed) ? failed.GetInt64() : 0;
                var suite = party.TryGetProperty("srtpSuite", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                if (authFailed != 0 || (leg.Srtp is not null) != (suite is not null))
                {
                    Problem($"refci {refci}: {side} SRTP suite {suite ?? "none"}, {authFailed} packets failed authentication");
                }
            }

            if (checkAudio)
            {
                var format = root.TryGetProperty("format", out var f) ? f.GetString() : null;
                if (format != "wav")
                {
                    Problem($"refci {refci}: format {format}; run the node with Recorder__Recording__Format=wav to check the tones");
                    checkAudio = false;
                    continue;
                }

                tonesChecked++;
                var audio = await http.GetByteArrayAsync(new Uri($"api/recordings/{recording.Id}/audio", UriKind.Relative), cancellationToken);
                if (CheckTones(refci, audio))
                {
                    tonesOk++;
                }
            }
        }

        return new VerifySummary
        {
            CallsChecked = answered.Count,
            RecordingsFound = found.Count,
            RecordingsComplete = complete,
            PacketsReceived = received,
            PacketsLost = lost,
            TonesChecked = tonesChecked,
            TonesOk = tonesOk,
            Problems = _problems,
        };
    }

    private bool CheckTones(string refci, byte[] wav)
    {
        if (!TryFindPcm(wav, out var channels, out var rate, out var data) || channels != 2)
        {
            Problem($"refci {refci}: audio is not a stereo PCM16 WAV");
            return false;
        }

        var samples = MemoryMarshal.Cast<byte, short>(data);
        // Skip the first and last 100 ms (alignment silence, the tail) and analyse the middle.
        var skip = Math.Min(samples.Length / 4, rate / 10 * channels);
        var middle = samples[skip..^skip];
        var left600 = Goertzel.Power(middle, channels, 0, 600, rate);
        var left1400 = Goertzel.Power(middle, channels, 0, 1400, rate);
        var right600 = Goertzel.Power(middle, channels, 1, 600, rate);
        var right1400 = Goertzel.Power(middle, channels, 1, 1400, rate);
        if (left600 > DominanceRatio * left1400 && right1400 > DominanceRatio * right600)
        {
            return true;
        }

        Problem(string.Create(CultureInfo.InvariantCulture,
            $"refci {refci}: tones wrong: left 600/1400 Hz power {left600:E2}/{left1400:E2}, right {right600:E2}/{right1400:E2}"));
        return false;
    }

    /// <summary>Walks the RIFF chunks to the PCM data (BitConverter is little-endian on every supported host).</summary>
    private static bool TryFindPcm(byte[] wav, out int channels, out int rate, out ReadOnlySpan<byte> data)
    {
        channels = 0;
        rate = 0;
        data = default;
        if (wav.Length < 12 || wav.AsSpan(0, 4).SequenceEqual("RIFF"u8) is false || wav.AsSpan(8, 4).SequenceEqual("WAVE"u8) is false)
        {
            return false;
        }

        var offset = 12;
        var bits = 0;
        while (offset + 8 <= wav.Length)
        {
            var id = wav.AsSpan(offset, 4);
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(offset + 4)), (uint)(wav.Length - offset - 8));
            var body = wav.AsSpan(offset + 8, size);
            if (id.SequenceEqual("fmt "u8) && size >= 16)
            {
                channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                data = body[..(size & ~3)];
                return bits == 16 && rate > 0;
            }

            offset += 8 + size + (size & 1);
        }

        return false;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }

    private void Problem(string text)
    {
        if (_problems.Count < 1000)
        {
            _problems.Add(text);
        }
    }
}
