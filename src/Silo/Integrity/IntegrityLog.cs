namespace OrleansRecorder.Silo.Integrity;

/// <summary>Tamper-evidence logs (EventIds 16100–16199). Key ids only, never a key.</summary>
internal static partial class IntegrityLog
{
    /// <summary>What the node signs with, at start: the key id only.</summary>
    public static void Report(ILogger logger, NodeSigningKey key, Configuration.SigningOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        if (key.Generated)
        {
            Generated(logger, key.KeyId, Path.Combine(dataDirectory, "keys", SigningKeyFile.GeneratedFileName));
        }

        Signing(logger, key.KeyId, key.Node);
    }

    [LoggerMessage(16100, LogLevel.Warning, "Generated the node's signing key {KeyId} (ECDSA P-256) in {Path} (mode 0600): back it up, and give verify its public key (GET /api/signing-keys)")]
    public static partial void Generated(ILogger logger, string keyId, string path);

    [LoggerMessage(16101, LogLevel.Information, "Manifests and audit entries are signed with key {KeyId} of node {Node}")]
    public static partial void Signing(ILogger logger, string keyId, string node);

    [LoggerMessage(16102, LogLevel.Information, "Published signing key {KeyId} of node {Node} in the catalog")]
    public static partial void KeyPublished(ILogger logger, string keyId, string node);

    [LoggerMessage(16103, LogLevel.Warning, "Could not publish signing key {KeyId} in the catalog (retried at the next playback check): {Reason}")]
    public static partial void PublishFailed(ILogger logger, string keyId, string reason);

    [LoggerMessage(16104, LogLevel.Warning, "Signing key {KeyId} published in the catalog is not a P-256 public key and is ignored: {Reason}")]
    public static partial void BadPublishedKey(ILogger logger, string keyId, string reason);

    [LoggerMessage(16105, LogLevel.Debug, "Checkpointed the recording chain of key {KeyId} at entry {Seq} in the audit log")]
    public static partial void Checkpointed(ILogger logger, string keyId, long seq);

    [LoggerMessage(16106, LogLevel.Warning, "Could not checkpoint the recording chain of key {KeyId} in the audit log (retried at the next interval): {Reason}")]
    public static partial void CheckpointFailed(ILogger logger, string keyId, string reason);
}
