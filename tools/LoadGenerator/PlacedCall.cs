namespace OrleansRecorder.LoadGenerator;

/// <summary>One call of the run and its two legs, kept for the verification afterwards.</summary>
internal sealed class PlacedCall(CallMetadata metadata, CallLeg near, CallLeg far)
{
    public CallMetadata Metadata { get; } = metadata;

    public CallLeg Near { get; } = near;

    public CallLeg Far { get; } = far;

    public bool Answered { get; set; }

    public bool Ended { get; set; }
}
