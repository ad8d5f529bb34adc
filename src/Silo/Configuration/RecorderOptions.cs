namespace OrleansRecorder.Silo.Configuration;

/// <summary>The <c>Recorder</c> configuration section (ARCHITECTURE.md, "Settings").</summary>
internal sealed class RecorderOptions
{
    public const string SectionName = "Recorder";

    /// <summary>Node-local store, SQLite file, segments.</summary>
    public string DataDirectory { get; set; } = "./data";

    public NodeOptions Node { get; set; } = new();
    public ClusterDatabaseOptions Cluster { get; set; } = new();
    public SipOptions Sip { get; set; } = new();
    public RtpOptions Rtp { get; set; } = new();
    public RecordingSettings Recording { get; set; } = new();
    public RecordingUsersOptions Users { get; set; } = new();
    public LicenseOptions License { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public DiagnosticsOptions Diagnostics { get; set; } = new();
    public WebOptions Web { get; set; } = new();
    public EncryptionOptions Encryption { get; set; } = new();
    public SigningOptions Signing { get; set; } = new();
}
