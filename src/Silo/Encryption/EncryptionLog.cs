namespace OrleansRecorder.Silo.Encryption;

/// <summary>Encryption at rest logs (EventIds 16000–16099). Key ids only, never a key.</summary>
internal static partial class EncryptionLog
{
    /// <summary>What the node encrypts with, at start: ids and algorithms only.</summary>
    public static void Report(ILogger logger, KeyRing keys, bool enabled, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.GeneratedId is { } generated)
        {
            Generated(logger, generated, Path.Combine(dataDirectory, KeyRing.KeysFolder));
        }

        if (enabled && keys.Active is { } active)
        {
            Enabled(logger, active.Id, active.Algorithm, keys.Keys.Count);
        }
        else
        {
            Disabled(logger);
        }
    }

    [LoggerMessage(16000, LogLevel.Warning, "Generated key-encryption key {KekId} in {Folder} (mode 0600): back it up; recordings cannot be played without it. In a cluster, configure the same KEK on every node (Recorder:Encryption:Keys)")]
    public static partial void Generated(ILogger logger, string kekId, string folder);

    [LoggerMessage(16001, LogLevel.Information, "Encryption at rest on: new recordings' data keys wrapped by {KekId} ({Algorithm}); {Count} key-encryption key(s) loaded")]
    public static partial void Enabled(ILogger logger, string kekId, string algorithm, int count);

    [LoggerMessage(16002, LogLevel.Warning, "Encryption at rest is off (Recorder:Encryption:Enabled false): new recordings are stored plain")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(16003, LogLevel.Error, "Recording {RecordingId} failed its integrity check and was not played: {Reason}")]
    public static partial void Tampered(ILogger logger, string recordingId, string reason);

    [LoggerMessage(16004, LogLevel.Warning, "Recording {RecordingId} cannot be decrypted on this node: {Reason}")]
    public static partial void KeyUnavailable(ILogger logger, string recordingId, string reason);
}
