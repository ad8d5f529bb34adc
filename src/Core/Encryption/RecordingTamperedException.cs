namespace OrleansRecorder.Silo.Encryption;

/// <summary>An encrypted recording (or its signed manifest) failed authentication: changed, truncated, reordered or cut.</summary>
internal sealed class RecordingTamperedException : IOException
{
    public RecordingTamperedException(string message)
        : base(message)
    {
    }

    public RecordingTamperedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RecordingTamperedException()
    {
    }
}
