namespace OrleansRecorder.Silo.Catalog;

/// <summary>A deleted recording's proof of erasure: when, why, by whom, and whether its data key was destroyed.</summary>
internal sealed record CatalogTombstone(string Id, DateTimeOffset DeletedAt, string Reason, string? Actor, bool KeyErased);
