namespace OrleansRecorder.Abstractions.Storage;

/// <summary>
/// A chunked transfer broke its contract (a chunk for an unknown transfer, an offset other than the next expected
/// one, a chunk over the size limit): the sender starts again with <see cref="INodeStoreGrain.BeginAsync"/>.
/// </summary>
[GenerateSerializer, Alias("replica-transfer-exception")]
public sealed class ReplicaTransferException : Exception
{
    public ReplicaTransferException()
    {
    }

    public ReplicaTransferException(string message)
        : base(message)
    {
    }

    public ReplicaTransferException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
