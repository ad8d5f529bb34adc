namespace OrleansRecorder.Silo.Web;

/// <summary>
/// This node's licence (evaluation, valid or invalid, and why), its channel use, and the call capacity it sends new calls
/// to the backup beyond (<c>Recorder:Sip:CallCapacity</c> as resolved at start-up; 0 when off).
/// </summary>
internal sealed record LicenseDto(
    string Node, string Role, string Kind, int Channels, int ChannelsInUse, string? LicenseId, string? Customer, DateTimeOffset? ExpiresAt, string? Problem,
    int CallCapacity);
