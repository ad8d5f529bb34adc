namespace OrleansRecorder.Silo.Web;

/// <summary>This node's licence and channel use. The signed licence file comes with issue #3; until then the configured evaluation channels apply.</summary>
internal sealed record LicenseDto(string Node, string Role, string Kind, int Channels, int ChannelsInUse, string? Problem);
