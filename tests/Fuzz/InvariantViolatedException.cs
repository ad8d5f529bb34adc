namespace OrleansRecorder.Fuzz;

/// <summary>A fuzz target found a parser result that breaks a documented invariant (AFL records it as a crash).</summary>
internal sealed class InvariantViolatedException : Exception
{
    public InvariantViolatedException()
    {
    }

    public InvariantViolatedException(string message)
        : base(message)
    {
    }

    public InvariantViolatedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
