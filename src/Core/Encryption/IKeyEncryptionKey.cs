namespace OrleansRecorder.Silo.Encryption;

/// <summary>A key-encryption key (KEK): wraps recordings' data keys; identified by an id stored beside each wrapped key.</summary>
internal interface IKeyEncryptionKey
{
    string Id { get; }

    /// <summary>The wrap algorithm's name stored with the wrapped key: <c>A256KWP</c> or <c>RSA-OAEP-256</c>.</summary>
    string Algorithm { get; }

    /// <summary>False for an RSA public key alone: the node encrypts but cannot play back.</summary>
    bool CanUnwrap { get; }

    byte[] Wrap(ReadOnlySpan<byte> dataKey);

    byte[] Unwrap(ReadOnlySpan<byte> wrapped);
}
