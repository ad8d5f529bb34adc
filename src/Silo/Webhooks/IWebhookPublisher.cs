using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// Where the recorder reports what happened. Every method returns at once and never throws: the event is queued in
/// memory and written to the outbox by a background writer, so the SIP and RTP paths never wait for a database or a
/// receiver. Called by the node where the event happens.
/// </summary>
internal interface IWebhookPublisher
{
    /// <summary>The first leg of a call was accepted and its recording opened.</summary>
    void CallStarted(RecordingInfo info);

    /// <summary>The call's last leg ended; <paramref name="status"/> is the recording's (<c>complete</c>, ...) or <c>cancelled</c>.</summary>
    void CallEnded(RecordingInfo info, string status);

    /// <summary>The recording is finalized and in the catalog.</summary>
    void RecordingCompleted(RecordingManifest manifest);

    /// <summary>The recording was removed (DELETE or the purge).</summary>
    void RecordingDeleted(RecordingManifest manifest, string reason);

    /// <summary>An alarm of this node was raised or cleared.</summary>
    void Alarm(NodeAlarm alarm, bool raised);
}
