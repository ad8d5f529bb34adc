namespace OrleansRecorder.Silo.Catalog;

/// <summary>The catalog's recordings and their bytes, and the bytes recorded since a given time.</summary>
internal sealed record StorageTotals(long Recordings, long TotalBytes, long BytesSince);
