namespace OrleansRecorder.Silo.Admin;

/// <summary>A file of a store: its store-relative, '/'-separated name (<c>recordings/…/{id}.json</c>) and length.</summary>
internal readonly record struct StoreFile(string Name, long SizeBytes);
