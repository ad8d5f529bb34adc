namespace OrleansRecorder.Tests.Unit.Cluster;

/// <summary>A grain that registers a reminder, to prove the SQLite reminder table works end to end.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task StartAsync();
}
