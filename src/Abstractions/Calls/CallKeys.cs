namespace OrleansRecorder.Abstractions.Calls;

/// <summary>Builds the call grain key that pairs the two legs of one recorded call.</summary>
public static class CallKeys
{
    /// <summary>
    /// <c>cucm/{cluster}/{refci}</c> in lower case (CUCM changes the case of parameter values between messages,
    /// PROTOCOL.md §1.4); <c>dialog/{callId}</c> for a dialog without a refci (a plain SIP client), which is never paired.
    /// </summary>
    public static string ForMetadata(CucmMetadata metadata, string callId)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return string.IsNullOrEmpty(metadata.RefCi)
            ? $"dialog/{callId}"
            : $"cucm/{metadata.NearEndClusterId ?? "-"}/{metadata.RefCi}".ToLowerInvariant();
    }
}
