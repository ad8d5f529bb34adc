namespace OrleansRecorder.Silo.Licensing;

/// <summary>Licence logs (EventIds 7000–7999). Written when the licence state changes, not per call.</summary>
internal static partial class LicenseLog
{
    [LoggerMessage(7000, LogLevel.Information, "Licence {LicenseId} valid: {Channels} channels for node {Node} ({Role}), customer {Customer}, expires {ExpiresAt}")]
    public static partial void Valid(ILogger logger, string licenseId, int channels, string node, string role, string? customer, string expiresAt);

    [LoggerMessage(7001, LogLevel.Warning, "Evaluation licence: {Channels} channels ({Reason})")]
    public static partial void Evaluation(ILogger logger, int channels, string? reason);

    [LoggerMessage(7002, LogLevel.Error, "Licence invalid, every new call is refused with 486 Busy Here: {Reason}")]
    public static partial void Invalid(ILogger logger, string? reason);
}
