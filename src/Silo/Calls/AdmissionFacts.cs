namespace OrleansRecorder.Silo.Calls;

/// <summary>What the node knows about a new recording dialog when it decides whether to take it.</summary>
/// <param name="SourceTrusted">The INVITE came from a trusted peer (a CUCM node).</param>
/// <param name="HealthProblem">Why this node cannot record now (disk, database, draining), or null.</param>
/// <param name="IsRecordingUser">The near end is to be recorded (configuration or API users).</param>
/// <param name="Overloaded">The overload check's refusal, or null.</param>
/// <param name="LicensedChannels">Concurrent calls the licence allows (0 when it is invalid or expired).</param>
/// <param name="LicenceProblem">Why the licence allows none, for the Warning.</param>
/// <param name="JoinsOpenRecording">The leg joins a call already recorded here (its partner leg came first).</param>
/// <param name="RequireSecure">The node takes only INVITEs received over TLS (<c>Recorder:Sip:RequireSecure</c>).</param>
/// <param name="SecureSignalling">This INVITE arrived over TLS.</param>
internal readonly record struct AdmissionFacts(
    bool SourceTrusted,
    string? HealthProblem,
    bool IsRecordingUser,
    AdmissionDecision? Overloaded,
    int LicensedChannels,
    string? LicenceProblem,
    bool JoinsOpenRecording,
    bool RequireSecure = false,
    bool SecureSignalling = false);
