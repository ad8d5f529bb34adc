namespace OrleansRecorder.Tests.Unit.Cluster;

/// <summary>Completes when the probe grain receives its first reminder tick.</summary>
public sealed class ReminderTicks
{
    private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> First => _first.Task;

    public void OnTick(string grainKey, string reminderName) => _first.TrySetResult($"{grainKey}:{reminderName}");
}
