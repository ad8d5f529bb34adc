using System.Text.Json;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A recording's gap ledger as a client reads it from <c>GET /api/recordings/{id}</c> (issue #15 item 5), and the check
/// that it adds up: per channel, the samples its party sent plus its gaps are the call's length.
/// </summary>
public sealed record GapLedgerView(long CallSamples, List<GapView> Gaps, (long Samples, long Lead)[] Channels)
{
    public static GapLedgerView From(JsonElement recording)
    {
        var manifest = recording.GetProperty("manifest");
        var gaps = recording.GetProperty("gaps").Deserialize<List<GapView>>(JsonDefaults.Options)!;
        return new GapLedgerView(
            manifest.GetProperty("callSamples").GetInt64(),
            gaps,
            [Party(manifest.GetProperty("nearEnd")), Party(manifest.GetProperty("farEnd"))]);

        static (long, long) Party(JsonElement party) =>
            (party.GetProperty("samples").GetInt64(), party.TryGetProperty("leadingSilenceSamples", out var lead) ? lead.GetInt64() : 0);
    }

    /// <summary>Fails unless each channel's received samples (written less the silences listed inside them) plus its gaps make the call.</summary>
    public void AssertAddsUp()
    {
        for (var channel = 0; channel < Channels.Length; channel++)
        {
            var (samples, lead) = Channels[channel];
            var gaps = Gaps.Where(g => g.Channel == channel).ToList();
            var inside = gaps.Where(g => g.StartSample >= lead && g.StartSample < lead + samples).Sum(g => g.Samples);
            Xunit.Assert.Equal(CallSamples, samples - inside + gaps.Sum(g => g.Samples));
        }
    }
}

public sealed record GapView(string Leg, int Channel, string Reason, double OffsetSeconds, double DurationSeconds, long StartSample, long Samples, int Count);
