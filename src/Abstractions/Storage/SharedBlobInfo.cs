namespace OrleansRecorder.Abstractions.Storage;

/// <summary>A blob in the shared store: its relative name, length and the <c>sha256</c> metadata it was uploaded with.</summary>
public sealed record SharedBlobInfo(string Name, long SizeBytes, string? Sha256);
