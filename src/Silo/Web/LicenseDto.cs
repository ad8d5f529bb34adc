namespace OrleansRecorder.Silo.Web;

/// <summary>This node's licence (evaluation, valid or invalid, and why) and its channel use.</summary>
internal sealed record LicenseDto(
    string Node, string Role, string Kind, int Channels, int ChannelsInUse, string? LicenseId, string? Customer, DateTimeOffset? ExpiresAt, string? Problem);
