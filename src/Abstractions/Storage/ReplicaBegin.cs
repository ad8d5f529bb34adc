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

    /// <summary>
    /// The catalog holds another copy of this recording (two nodes finalized the same call and the longer won): this one
    /// is not wanted here or anywhere; nothing to send.
    /// </summary>
    Superseded,
}
