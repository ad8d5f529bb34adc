namespace OrleansRecorder.Silo.Storage;

/// <summary>The <c>Recorder:SharedStore</c> section: Azure Blob Storage (Azurite in development); disabled without a connection string.</summary>
internal sealed class SharedStoreOptions
{
    public const string SectionName = "Recorder:SharedStore";

    public string? ConnectionString { get; set; }

    public string Container { get; set; } = "recordings";
}
