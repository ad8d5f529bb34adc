using System.Text.Json;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// Signs each manifest this node writes and appends it to the node's recording chain (one chain per signing key, so
/// nodes never coordinate). The chain head is written to disk before the sealed manifest: a crash between the two
/// leaves a gap in the sequence, which <c>verify</c> reports, never two recordings with one number.
/// </summary>
internal sealed class ManifestSealer(NodeSigningKey key, string dataDirectory)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    /// <summary>The folder of the chain heads, <c>{DataDirectory}/signing/chain-{keyId}.json</c>.</summary>
    public const string Folder = "signing";

    private readonly string _headPath = Path.Combine(dataDirectory, Folder, $"chain-{key.KeyId}.json");
    private ChainState? _head;

    public NodeSigningKey Key => key;

    public async Task<RecordingManifest> SealAsync(RecordingManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var head = _head ?? ReadHead();
            var sealedManifest = ManifestSealing.Seal(manifest, key, head.Seq + 1, head.Link, head.Id);
            var next = new ChainState(head.Seq + 1, ManifestSealing.Link(sealedManifest), manifest.Id);
            Directory.CreateDirectory(Path.GetDirectoryName(_headPath)!);
            await AtomicFile.WriteJsonAsync(_headPath, next, IntegrityJsonContext.Default.ChainState, cancellationToken);
            _head = next;
            return sealedManifest;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The chain head as sealed so far (what a checkpoint signs).</summary>
    public async Task<ChainState> HeadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _head ??= ReadHead();
        }
        finally
        {
            _gate.Release();
        }
    }

    private ChainState ReadHead()
    {
        if (!File.Exists(_headPath))
        {
            return new ChainState(0, ManifestSealing.Genesis, null);
        }

        // A head that cannot be read must stop sealing rather than restart the chain at 1 (that would read as forgery).
        return JsonSerializer.Deserialize(File.ReadAllBytes(_headPath), IntegrityJsonContext.Default.ChainState)
            ?? throw new InvalidDataException($"The chain head {_headPath} is empty.");
    }
}
