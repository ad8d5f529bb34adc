namespace OrleansRecorder.Silo.Configuration;

/// <summary>Channel licensing. The signed licence file comes with the high-availability issue (#3).</summary>
internal sealed class LicenseOptions
{
    public string? File { get; set; }
    public string? PublicKey { get; set; }

    /// <summary>Concurrent recorded calls allowed on this node (evaluation: 4).</summary>
    public int Channels { get; set; } = 4;
}
