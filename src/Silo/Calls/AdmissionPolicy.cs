namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Which answer a new recording dialog gets, as a pure function of <see cref="AdmissionFacts"/>. The order is the
/// failover policy (ARCHITECTURE.md): an untrusted source is refused first (403, learns nothing else); then, when the
/// node requires secure signalling, an INVITE not received over TLS (403: the backup has the same policy, so no
/// failover; the Warning says why, for CUCM's trace); a node that
/// cannot record answers 503 so CUCM records on the backup; a user not to be recorded gets 404 and an exhausted or
/// invalid licence 486, which stop CUCM's route list (the backup would refuse them alike); overload is a 503 again.
/// </summary>
internal static class AdmissionPolicy
{
    /// <summary>The Warning text of the refusal of an INVITE not received over TLS.</summary>
    public const string SecureSignallingRequired = "Secure signalling required: send the INVITE over TLS (SIP trunk security profile: Encrypted, transport TLS)";

    public static AdmissionDecision Decide(in AdmissionFacts facts)
    {
        if (!facts.SourceTrusted)
        {
            return AdmissionDecision.Forbidden("Source not a trusted peer");
        }

        if (facts.RequireSecure && !facts.SecureSignalling)
        {
            // Before health and licence: a trunk misconfigured for TCP/UDP is told so, whatever the node's state.
            return AdmissionDecision.Forbidden(SecureSignallingRequired);
        }

        if (facts.HealthProblem is { } problem)
        {
            return AdmissionDecision.Unavailable(problem);
        }

        if (!facts.IsRecordingUser)
        {
            return AdmissionDecision.UserUnknown("Recording user not authorized");
        }

        if (facts.Overloaded is { } overloaded)
        {
            return overloaded;
        }

        // An invalid or expired licence leaves no channel at all: 486 like an exhausted one (no failover). A leg that
        // joins a call already recorded here needs no channel of its own.
        if (facts.LicensedChannels == 0 && !facts.JoinsOpenRecording)
        {
            return AdmissionDecision.Busy($"Licence: {facts.LicenceProblem}");
        }

        return AdmissionDecision.Accept;
    }
}
