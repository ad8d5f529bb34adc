using System.Data.Common;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// The public signing keys this node trusts at playback: its own, the configured <c>Recorder:Signing:TrustedKeys</c>,
/// and those the cluster's nodes published in the catalog (table <c>SigningKeys</c>). Publishes this node's at start.
/// </summary>
internal sealed class SigningKeyDirectory : IHostedService, IDisposable
{
    private readonly NodeSigningKey _own;
    private readonly DbSecurityStore? _store;
    private readonly TimeProvider _time;
    private readonly ILogger<SigningKeyDirectory> _logger;
    private readonly SigningKeySet _keys;
    private bool _published;

    public SigningKeyDirectory(NodeSigningKey own, SigningOptions options, ISecurityStore store, TimeProvider time, ILogger<SigningKeyDirectory> logger)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(options);
        _own = own;
        _store = store as DbSecurityStore;
        _time = time;
        _logger = logger;
        _keys = own.PublicKeys();
        foreach (var path in options.TrustedKeys)
        {
            try
            {
                _keys.AddPath(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Recorder:Signing:TrustedKeys: {path}: {e.Message}", e);
            }
        }
    }

    public NodeSigningKey Own => _own;

    /// <summary>Null when <paramref name="manifest"/>'s seal holds (or it predates signing: no seal), else why not.</summary>
    public async Task<string?> CheckAsync(RecordingManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Seal is not { } seal)
        {
            return null;
        }

        if (!_keys.Contains(seal.KeyId))
        {
            await RefreshAsync(cancellationToken);
        }

        return ManifestSealing.Check(manifest, _keys);
    }

    /// <summary>Every key published in the catalog, this node's first.</summary>
    public async Task<IReadOnlyList<(string KeyId, string Node, string PublicKeyPem)>> ListAsync(CancellationToken cancellationToken)
    {
        var published = _store is null ? [] : await _store.ListSigningKeysAsync(cancellationToken);
        return [(_own.KeyId, _own.Node, _own.PublicKeyPem), .. published.Where(k => k.KeyId != _own.KeyId)];
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(cancellationToken);
        }
        catch (DbException e)
        {
            // Published at the next playback check instead; nothing else depends on it.
            IntegrityLog.PublishFailed(_logger, _own.KeyId, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _keys.Dispose();

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (_store is null || _published)
        {
            return;
        }

        await _store.PublishSigningKeyAsync(_own.KeyId, _own.Node, _own.PublicKeyPem, _time.GetUtcNow(), cancellationToken);
        _published = true;
        IntegrityLog.KeyPublished(_logger, _own.KeyId, _own.Node);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return;
        }

        await PublishAsync(cancellationToken);
        foreach (var (keyId, _, pem) in await _store.ListSigningKeysAsync(cancellationToken))
        {
            if (!_keys.Contains(keyId))
            {
                try
                {
                    // The id is recomputed from the key, so a row cannot pass one key off under another's id.
                    _keys.AddPem(pem);
                }
                catch (InvalidOperationException e)
                {
                    IntegrityLog.BadPublishedKey(_logger, keyId, e.Message);
                }
            }
        }
    }
}
