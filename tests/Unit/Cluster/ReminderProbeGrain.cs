namespace OrleansRecorder.Tests.Unit.Cluster;

public sealed class ReminderProbeGrain(ReminderTicks ticks) : Grain, IReminderProbeGrain, IRemindable
{
    public async Task StartAsync() =>
        await this.RegisterOrUpdateReminder("probe", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ticks.OnTick(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}
