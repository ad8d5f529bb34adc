namespace OrleansRecorder.Silo.Sdp;

/// <summary>A session description could not be parsed (the transaction user answers 400 or 488).</summary>
internal sealed class SdpParseException : Exception
{
    public SdpParseException()
    {
    }

    public SdpParseException(string message)
        : base(message)
    {
    }

    public SdpParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
