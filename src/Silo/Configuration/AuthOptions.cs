namespace OrleansRecorder.Silo.Configuration;

/// <summary>REST API authentication.</summary>
internal sealed class AuthOptions
{
    /// <summary>Key expected in <c>X-Api-Key</c>; generated at first start and stored in the data directory when empty.</summary>
    public string? AdminApiKey { get; set; }
}
