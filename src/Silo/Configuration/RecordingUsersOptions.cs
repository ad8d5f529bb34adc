namespace OrleansRecorder.Silo.Configuration;

/// <summary>Who may be recorded, when not managed through the API.</summary>
internal sealed class RecordingUsersOptions
{
    public bool RecordAll { get; set; } = true;

    /// <summary>Directory numbers or device names (case-insensitive) allowed when <see cref="RecordAll"/> is false.</summary>
    public List<string> Numbers { get; set; } = [];
}
