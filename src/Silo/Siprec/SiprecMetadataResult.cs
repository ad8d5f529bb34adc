namespace OrleansRecorder.Silo.Siprec;

/// <summary>The metadata read from a body, or why there was none to read (the manifest's <c>metadata-missing</c> reason).</summary>
internal sealed record SiprecMetadataResult(SiprecMetadata? Metadata, string? Problem)
{
    public static SiprecMetadataResult Missing(string problem) => new(null, problem);
}
