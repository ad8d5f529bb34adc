namespace OrleansRecorder.Silo.Configuration;

/// <summary>Channel licensing: a signed licence file per node (see tools/LicenseTool), else an evaluation licence.</summary>
internal sealed class LicenseOptions
{
    public string? File { get; set; }
    public string? PublicKey { get; set; }

    /// <summary>Concurrent recorded calls allowed by the evaluation licence (at most 4; a signed licence sets its own).</summary>
    public int Channels { get; set; } = 4;
}
