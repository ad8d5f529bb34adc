namespace OrleansRecorder.Silo.Calls;

/// <summary>The outcome of <see cref="LegSetup.SetUpAsync"/>: a leg receiving RTP with our SDP, or the refusal to send.</summary>
internal sealed record LegSetupResult(CallLeg? Leg, AdmissionDecision? Refusal)
{
    public static LegSetupResult Refused(AdmissionDecision decision) => new(null, decision);
}
