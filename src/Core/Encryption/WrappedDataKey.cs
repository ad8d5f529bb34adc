namespace OrleansRecorder.Silo.Encryption;

/// <summary>A recording's data key wrapped by the KEK <paramref name="KekId"/> with <paramref name="Algorithm"/>; kept in the catalog only.</summary>
internal sealed record WrappedDataKey(string KekId, string Algorithm, byte[] Wrapped);
