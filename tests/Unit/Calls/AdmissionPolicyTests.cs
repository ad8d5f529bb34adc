using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Tests.Unit.Calls;

/// <summary><see cref="AdmissionPolicy"/> as a pure function, with <c>Recorder:Sip:RequireSecure</c>.</summary>
public sealed class AdmissionPolicyTests
{
    private static readonly AdmissionFacts Good = new(
        SourceTrusted: true, HealthProblem: null, IsRecordingUser: true, Overloaded: null, LicensedChannels: 10,
        LicenceProblem: null, JoinsOpenRecording: false);

    [Fact]
    public void AnInviteOverUdpOrTcpIsTakenWhenSecureSignallingIsNotRequired()
    {
        Assert.Equal(AdmissionDecision.Accept, AdmissionPolicy.Decide(Good with { RequireSecure = false, SecureSignalling = false }));
    }

    [Fact]
    public void AnInviteNotOverTlsIsRefused403WithAWarningWhenSecureSignallingIsRequired()
    {
        var decision = AdmissionPolicy.Decide(Good with { RequireSecure = true, SecureSignalling = false });

        Assert.Equal(403, decision.StatusCode);
        Assert.Equal(AdmissionPolicy.SecureSignallingRequired, decision.Reason);
        Assert.Contains("TLS", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInviteOverTlsIsTakenWhenSecureSignallingIsRequired()
    {
        Assert.Equal(AdmissionDecision.Accept, AdmissionPolicy.Decide(Good with { RequireSecure = true, SecureSignalling = true }));
    }

    [Fact]
    public void AnUntrustedSourceIsRefusedAsUntrustedEvenOverTls()
    {
        // The untrusted source learns nothing about the node's policy.
        var decision = AdmissionPolicy.Decide(Good with { SourceTrusted = false, RequireSecure = true, SecureSignalling = false });

        Assert.Equal(AdmissionDecision.Forbidden("Source not a trusted peer"), decision);
    }

    [Fact]
    public void TheSecureSignallingRefusalComesBeforeHealthAndLicence()
    {
        // A trunk misconfigured for TCP is told so, not sent to the backup by a 503 (the backup has the same policy).
        var decision = AdmissionPolicy.Decide(Good with
        {
            RequireSecure = true, SecureSignalling = false, HealthProblem = "disk full", LicensedChannels = 0, LicenceProblem = "expired",
        });

        Assert.Equal(403, decision.StatusCode);
        Assert.Equal(AdmissionPolicy.SecureSignallingRequired, decision.Reason);
    }

    [Fact]
    public void OverTlsTheOtherRulesStillApply()
    {
        Assert.Equal(503, AdmissionPolicy.Decide(Good with { RequireSecure = true, SecureSignalling = true, HealthProblem = "disk full" }).StatusCode);
        Assert.Equal(404, AdmissionPolicy.Decide(Good with { SecureSignalling = true, IsRecordingUser = false }).StatusCode);
    }
}
