namespace OrleansRecorder.Abstractions.Storage;

/// <summary>The outcome of <see cref="INodeStoreGrain.CompleteAsync"/>.</summary>
[GenerateSerializer, Alias("replica-completion")]
public enum ReplicaCompletion
{
    /// <summary>Hash and size matched; audio then manifest were renamed into place.</summary>
    Stored,

    /// <summary>Fewer or more bytes than the manifest's size arrived: nothing was made visible.</summary>
    SizeMismatch,

    /// <summary>The bytes did not hash to the manifest's SHA-256: nothing was made visible.</summary>
    HashMismatch,

    /// <summary>The catalog came to hold another copy of this recording while it was sent: nothing was made visible.</summary>
    Superseded,
}
