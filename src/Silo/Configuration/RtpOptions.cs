namespace OrleansRecorder.Silo.Configuration;

/// <summary>The RTP port range: one port per leg.</summary>
internal sealed class RtpOptions
{
    public int PortMin { get; set; } = 20000;
    public int PortMax { get; set; } = 20999;

    /// <summary>A leg with no accepted packet for this long ends and its recording is flagged.</summary>
    public TimeSpan MediaTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
