namespace OrleansRecorder.Abstractions.Calls;

/// <summary>Implemented by the silo host: the calls this node records, read and controlled by its <see cref="ICallHostGrain"/>.</summary>
public interface ILocalCalls
{
    IReadOnlyList<LiveCall> Active();

    Task<LiveCall?> ControlAsync(string recordingId, CallControl action, string by);
}
