using System.Diagnostics.Metrics;
using OrleansRecorder.Silo.Diagnostics;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// <c>recorder.recordings.playback_refused</c> by <c>reason</c> (<c>tampered</c>, <c>no_key</c>, <c>kek_unavailable</c>,
/// <c>public_key_only</c>): an alarm can watch <c>tampered</c>. Static: refusals are rare and come from request handlers.
/// </summary>
internal static class EncryptionMetrics
{
    private static readonly Meter Meter = new(RecorderMetrics.MeterName);
    private static readonly Counter<long> PlaybackRefused = Meter.CreateCounter<long>(
        "recorder.recordings.playback_refused", description: "Playbacks refused: integrity check failed or the data key is not available");

    public static void Refused(string reason) => PlaybackRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
