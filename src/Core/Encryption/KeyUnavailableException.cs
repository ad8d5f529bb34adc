namespace OrleansRecorder.Silo.Encryption;

/// <summary>A recording's data key cannot be had: erased, its KEK not on this node, public-key-only, or it fails to unwrap.</summary>
internal sealed class KeyUnavailableException : Exception
{
    public KeyUnavailableException(string message, bool publicKeyOnly = false)
        : base(message) => PublicKeyOnly = publicKeyOnly;

    public KeyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KeyUnavailableException()
    {
    }

    public KeyUnavailableException(string message)
        : base(message)
    {
    }

    public bool PublicKeyOnly { get; }
}
