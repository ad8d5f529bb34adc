namespace OrleansRecorder.Abstractions.Storage;

/// <summary>The answer to <see cref="INodeStoreGrain.BeginAsync"/>.</summary>
[GenerateSerializer, Alias("replica-begin")]
public enum ReplicaBegin
{
    /// <summary>Send the chunks from offset 0, then complete.</summary>
    Accepted,

    /// <summary>The store already holds this recording with this hash: nothing to send.</summary>
    AlreadyStored,

    /// <summary>Another sender is transferring this recording right now: try again later.</summary>
    InProgress,
}
