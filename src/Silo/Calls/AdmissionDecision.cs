namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// The SIP edge's answer to a new recording dialog, chosen for its effect on CUCM's route list
/// (ARCHITECTURE.md, "Failover policy"): 404 and 486 stop the route list, 503 makes CUCM try the backup trunk.
/// </summary>
internal readonly record struct AdmissionDecision(int StatusCode, string Reason)
{
    public static readonly AdmissionDecision Accept = new(200, "OK");

    public bool IsAccepted => StatusCode == 200;

    /// <summary>Not a trusted peer: not recorded, no failover wanted either.</summary>
    public static AdmissionDecision Forbidden(string reason) => new(403, reason);

    /// <summary>Recording user unknown or not authorized: must not make CUCM fail over.</summary>
    public static AdmissionDecision UserUnknown(string reason) => new(404, reason);

    /// <summary>Licence exhausted or invalid: must not make CUCM fail over.</summary>
    public static AdmissionDecision Busy(string reason) => new(486, reason);

    /// <summary>Blocking application error: CUCM tries the backup trunk.</summary>
    public static AdmissionDecision Unavailable(string reason) => new(503, reason);
}
