using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Copies every recording to every other active node's store and to the shared store (ARCHITECTURE.md, data flow
/// step 6). Live: recordings queued right after finalize are pushed at once, retried with exponential backoff while a
/// target fails. Catch-up: at start, whenever a node joins or comes back, within
/// <see cref="ReplicationOptions.ReconcileInterval"/> of a failure (a copy failed, a store did not answer, the live
/// queue overflowed) and every <see cref="ReplicationOptions.FullReconcileInterval"/> in any case, the whole catalog is
/// walked oldest first and every missing copy is pushed (we have it, a live peer or the shared store lacks it) or pulled
/// (we lack it, a peer or the shared store has it).
/// </summary>
/// <remarks>
/// One worker loop hands live items to up to <see cref="ReplicationOptions.LiveConcurrency"/> copies at once and runs
/// catch-up passes one copy at a time; live items always go first (the catch-up walk starts every queued live item and
/// waits for the live copies in flight before each recording), so a long catch-up never delays a fresh recording.
/// Catch-up traffic goes through the token bucket (<see cref="ReplicationOptions.BytesPerSecond"/>); live traffic does
/// not, because its rate is bounded by the call rate and it is what keeps the newest recordings safe. The call path only calls <see cref="Enqueue"/>, which never
/// waits: a full queue leaves the recording to catch-up.
/// A pass reads every peer's inventory and the shared store's listing and walks every catalog row, so it runs only when
/// something says a copy may be missing rather than every <see cref="ReplicationOptions.ReconcileInterval"/>: on a
/// quiet cluster holding a year of recordings that walk was most of the node's idle work.
/// </remarks>
internal sealed class ReplicationService : BackgroundService, IReplicationQueue
{
    private const int PageSize = 200;
    private readonly string _self;
    private readonly IRecordingCatalog _catalog;
    private readonly ReplicaTransfer _transfer;
    private readonly ReplicaLandings _landings;
    private readonly IClusterMembershipService _membership;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<LiveItem> _live;
    private readonly Channel<string> _reconcile = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly RateLimiter? _catchUpLimiter;
    private readonly SemaphoreSlim _liveSlots;
    private long _liveBacklog;
    private long _catchUpBacklog;
    private CancellationToken _stopping;

    /// <summary>Why a catch-up pass is owed (the first reason since the last pass began), or null when none is.</summary>
    private string? _owed;

    /// <summary>When the last pass began (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    private long _lastPassStarted;

    public ReplicationService(
        string nodeName,
        IRecordingCatalog catalog,
        ReplicaTransfer transfer,
        ReplicaLandings landings,
        IClusterMembershipService membership,
        ReplicationOptions options,
        IMeterFactory meterFactory,
        TimeProvider time,
        ILogger<ReplicationService> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ArgumentNullException.ThrowIfNull(options);
        _self = nodeName;
        _catalog = catalog;
        _transfer = transfer;
        _landings = landings;
        _membership = membership;
        _options = options;
        _time = time;
        _logger = logger;
        Metrics = new ReplicationMetrics(meterFactory, () => Backlog);
        _live = Channel.CreateBounded<LiveItem>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true });
        _catchUpLimiter = CreateLimiter(options.BytesPerSecond);
        _liveSlots = new SemaphoreSlim(options.LiveConcurrency, options.LiveConcurrency);
    }

    public ReplicationMetrics Metrics { get; }

    public long Backlog => Interlocked.Read(ref _liveBacklog) + Interlocked.Read(ref _catchUpBacklog);

    public bool Enqueue(string recordingId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordingId);
        Interlocked.Increment(ref _liveBacklog);
        if (_live.Writer.TryWrite(new LiveItem(recordingId, 0)))
        {
            return true;
        }

        Interlocked.Decrement(ref _liveBacklog);
        ReplicationLog.QueueFull(_logger, recordingId);
        Owe("live queue full");
        return false;
    }

    /// <summary>Asks for a catch-up pass soon (coalesced with one already asked for).</summary>
    public void RequestReconcile(string reason) => _reconcile.Writer.TryWrite(reason);

    /// <summary>The names of the other nodes that are active now.</summary>
    public IReadOnlyList<string> ActivePeers() =>
        [.. _membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !string.Equals(m.Name, _self, StringComparison.Ordinal))
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    /// <summary>Marks a catch-up pass as owed; the periodic check runs it (the first reason is kept for the log).</summary>
    private void Owe(string why) => Interlocked.CompareExchange(ref _owed, why, null);

    /// <summary>False on a lone node without a shared store: there is nowhere to copy a recording to.</summary>
    private bool HasTarget(IReadOnlyList<string> peers) => peers.Count > 0 || _transfer.Shared.IsEnabled;

    /// <summary>The token bucket for catch-up bytes, or null when unlimited: refills a tenth of the rate every 100 ms, bursts up to one second's worth (at least one chunk).</summary>
    internal static TokenBucketRateLimiter? CreateLimiter(long bytesPerSecond) => bytesPerSecond <= 0 ? null : new TokenBucketRateLimiter(
        new TokenBucketRateLimiterOptions
        {
            TokenLimit = (int)Math.Clamp(bytesPerSecond, ReplicaTransfer.ChunkBytes, int.MaxValue),
            TokensPerPeriod = (int)Math.Clamp(bytesPerSecond / 10, 1, int.MaxValue),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        ReplicationLog.Started(_logger, string.Join(", ", ActivePeers()), _transfer.Shared.IsEnabled);
        RequestReconcile("start");
        var watch = WatchMembershipAsync(stoppingToken);
        var tick = TickAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (_live.Reader.TryRead(out var item))
                {
                    await StartLiveAsync(item, stoppingToken);
                }
                else if (_reconcile.Reader.TryRead(out var reason))
                {
                    await ReconcileAsync(reason, stoppingToken);
                }
                else
                {
                    await Task.WhenAny(_live.Reader.WaitToReadAsync(stoppingToken).AsTask(), _reconcile.Reader.WaitToReadAsync(stoppingToken).AsTask());
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is not copied yet is copied by someone's next catch-up.
        }

        await WaitForLiveCopiesAsync(CancellationToken.None);
        await Task.WhenAll(watch, tick);
    }

    public override void Dispose()
    {
        _catchUpLimiter?.Dispose();
        _liveSlots.Dispose();
        base.Dispose();
    }

    /// <summary>Starts the live copy of <paramref name="item"/> once one of the live slots is free.</summary>
    private async Task StartLiveAsync(LiveItem item, CancellationToken ct)
    {
        try
        {
            await _liveSlots.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _liveBacklog); // Shutting down: left to catch-up.
            throw;
        }

        _ = RunLiveAsync(item, ct);
    }

    private async Task RunLiveAsync(LiveItem item, CancellationToken ct)
    {
        try
        {
            await ReplicateLiveAsync(item, ct);
        }
        finally
        {
            _liveSlots.Release();
        }
    }

    /// <summary>Waits until no live copy is in flight (takes every slot, then gives them back).</summary>
    private async Task WaitForLiveCopiesAsync(CancellationToken ct)
    {
        var taken = 0;
        try
        {
            for (; taken < _options.LiveConcurrency; taken++)
            {
                await _liveSlots.WaitAsync(ct);
            }
        }
        finally
        {
            if (taken > 0)
            {
                _liveSlots.Release(taken);
            }
        }
    }

    private async Task ReplicateLiveAsync(LiveItem item, CancellationToken ct)
    {
        var done = true;
        try
        {
            var peers = ActivePeers();
            if (!HasTarget(peers))
            {
                // A lone node without a shared store: nothing to copy to, and this node's own copy was recorded with
                // the catalog row (CatalogIndexer), so no catalog read, file check or grain call per call. A node
                // that joins later pulls it (the join starts a catch-up pass).
                return;
            }

            var manifest = await _catalog.GetAsync(item.Id, ct);
            if (manifest is null)
            {
                return; // Deleted meanwhile.
            }

            var replica = ReplicaTransfer.Describe(manifest);
            if (!await _transfer.Local.HasAsync(replica.Key, replica.Sha256, ct))
            {
                // Not ours to send (or purged, or another node's copy won over ours): catch-up pulls it from whoever has it.
                Owe(item.Id + " is not here");
                return;
            }

            // The catalogued copy made (or taken over) here: the first copy of the recording to land.
            if (item.Attempt == 0)
            {
                await _landings.LandedAsync(item.Id, _self, replica.Sha256);
            }

            var copies = new List<Task<bool>>();
            foreach (var peer in peers)
            {
                copies.Add(CopyAsync(replica, peer, "node", "live", () => _transfer.PushAsync(peer, replica, limiter: null, ct), ct));
            }

            if (_transfer.Shared.IsEnabled)
            {
                copies.Add(CopyAsync(replica, "shared", "shared", "live", () => UploadAsync(replica, limiter: null, ct), ct));
            }

            var results = await Task.WhenAll(copies);
            if (results.All(ok => ok))
            {
                return;
            }

            var attempt = item.Attempt + 1;
            if (attempt >= _options.MaxLiveAttempts)
            {
                ReplicationLog.GaveUp(_logger, item.Id, attempt);
                return;
            }

            done = false;
            var delay = RetryDelay(attempt);
            ReplicationLog.RetryScheduled(_logger, item.Id, attempt + 1, delay);
            _ = RetryLaterAsync(item with { Attempt = attempt }, delay);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            ReplicationLog.CopyFailed(_logger, item.Id, "catalog", "live", ex);
            Owe("live copy of " + item.Id + " failed");
        }
        finally
        {
            if (done)
            {
                Interlocked.Decrement(ref _liveBacklog);
            }
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var delay = _options.InitialRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 20));
        return delay < _options.MaxRetryDelay ? delay : _options.MaxRetryDelay;
    }

    private async Task RetryLaterAsync(LiveItem item, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping);
            if (_live.Writer.TryWrite(item))
            {
                return;
            }

            Owe("live queue full");
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }

        Interlocked.Decrement(ref _liveBacklog);
    }

    /// <summary>Runs one copy, timing it; false (logged and counted) when it failed or another sender holds the target.</summary>
    private async Task<bool> CopyAsync(ReplicaDescriptor replica, string target, string kind, string mode, Func<Task<long?>> copy, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        try
        {
            var bytes = await copy();
            if (bytes is null)
            {
                Owe($"{replica.Key.Id} to {target}: another sender holds it");
                return false; // Another node is sending it right now; checked again later.
            }

            if (bytes > 0)
            {
                var elapsed = _time.GetElapsedTime(started);
                Metrics.Copied(kind, mode, bytes.Value, elapsed);
                ReplicationLog.Copied(_logger, replica.Key.Id, target, mode, bytes.Value, elapsed.TotalMilliseconds);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Metrics.Failed(kind, mode);
            ReplicationLog.CopyFailed(_logger, replica.Key.Id, target, mode, ex);
            if (kind != "local")
            {
                _ = _landings.FailedAsync(replica.Key.Id, target, ex.Message); // counted per target by the recording's grain
            }

            // Owed even while live retries go on: the pass then copies it within ReconcileInterval of the target's
            // return, whatever the backoff has grown to, and a retry that comes due after it finds the copy there.
            Owe($"copy of {replica.Key.Id} to {target} failed");
            return false;
        }
    }

    /// <summary>
    /// Uploads the local copy unless the shared store has it, and records the shared copy as landed either way (one
    /// the pass found there but nobody recorded, say after the database was down).
    /// </summary>
    private async Task<long> UploadAsync(ReplicaDescriptor replica, RateLimiter? limiter, CancellationToken ct)
    {
        var bytes = await _transfer.SharedHasAsync(replica, ct) ? 0 : await _transfer.UploadAsync(replica, limiter, ct);
        await _landings.LandedAsync(replica.Key.Id, CatalogReplicas.Shared, replica.Sha256);
        return bytes;
    }

    private Task<bool> CopyAsync(ReplicaDescriptor replica, string target, string kind, string mode, Func<Task<long>> copy, CancellationToken ct) =>
        CopyAsync(replica, target, kind, mode, async () => (long?)await copy(), ct);

    /// <summary>One catch-up pass over the whole catalog, oldest first.</summary>
    private async Task ReconcileAsync(string reason, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        int recordings = 0, copies = 0, missing = 0;
        Interlocked.Exchange(ref _catchUpBacklog, 0);
        // Whatever fails from here on owes the next pass.
        Interlocked.Exchange(ref _owed, null);
        Interlocked.Exchange(ref _lastPassStarted, _time.GetTimestamp());
        var seenAt = _time.GetUtcNow();
        try
        {
            var peers = ActivePeers();
            var inventories = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var peer in peers)
            {
                try
                {
                    var list = await _transfer.Grains.GetGrain<INodeStoreGrain>(peer).ListAsync().WaitAsync(_options.PeerTimeout, ct);
                    inventories[peer] = [.. list.Select(Key)];
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    ReplicationLog.InventoryFailed(_logger, peer, ex);
                    Owe("inventory of " + peer + " failed");
                }
            }

            HashSet<string>? sharedManifests = null;
            Dictionary<string, string?>? sharedAudio = null;
            if (_transfer.Shared.IsEnabled)
            {
                try
                {
                    var manifests = new HashSet<string>(StringComparer.Ordinal);
                    var audio = new Dictionary<string, string?>(StringComparer.Ordinal);
                    await foreach (var blob in _transfer.Shared.ListAsync("recordings/", ct))
                    {
                        if (blob.Name.EndsWith(".json", StringComparison.Ordinal))
                        {
                            manifests.Add(blob.Name);
                        }
                        else
                        {
                            audio[blob.Name] = blob.Sha256;
                        }
                    }

                    (sharedManifests, sharedAudio) = (manifests, audio);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    ReplicationLog.InventoryFailed(_logger, "shared", ex);
                    Owe("listing of the shared store failed");
                }
            }

            var local = (await _transfer.Local.ListAsync(ct)).Select(Key).ToHashSet(StringComparer.Ordinal);
            var before = _time.GetUtcNow().AddYears(100);
            DateTimeOffset? afterStartedAt = null;
            string? afterId = null;
            while (true)
            {
                var page = await _catalog.ListStartedBeforeAsync(before, afterStartedAt, afterId, PageSize, ct);
                if (page.Count == 0)
                {
                    break;
                }

                var work = new List<(ReplicaDescriptor Replica, bool LocalHas, List<string> PeersLacking, List<string> PeersHaving, bool SharedLacks)>();
                var present = new List<(string Id, string Location, string Sha256)>();
                var absent = new List<(string Id, string Location)>();
                foreach (var entry in page)
                {
                    recordings++;
                    var replica = ReplicaTransfer.Describe(entry.Manifest);
                    var key = Key(replica);
                    var lacking = inventories.Where(i => !i.Value.Contains(key)).Select(i => i.Key).ToList();
                    var having = inventories.Where(i => i.Value.Contains(key)).Select(i => i.Key).ToList();
                    var sharedHas = sharedManifests is not null && sharedManifests.Contains(replica.Key.ManifestName)
                        && sharedAudio!.TryGetValue(replica.Key.AudioName, out var sha) && string.Equals(sha, replica.Sha256, StringComparison.OrdinalIgnoreCase);
                    var sharedLacks = sharedManifests is not null && !sharedHas;
                    var localHas = local.Contains(key);
                    Seen(replica, _self, localHas, present, absent);
                    foreach (var peer in inventories.Keys)
                    {
                        Seen(replica, peer, having.Contains(peer), present, absent);
                    }

                    if (sharedManifests is not null)
                    {
                        Seen(replica, CatalogReplicas.Shared, sharedHas, present, absent);
                    }

                    if ((localHas && (lacking.Count > 0 || sharedLacks)) || (!localHas && (having.Count > 0 || sharedHas)))
                    {
                        work.Add((replica, localHas, lacking, having, sharedLacks));
                    }
                    else if (!localHas)
                    {
                        missing++; // Nobody reachable has it: nothing to do until they come back.
                    }
                }

                await MendAsync(present, absent, seenAt, ct);
                Interlocked.Add(ref _catchUpBacklog, work.Count);
                foreach (var (replica, localHas, lacking, having, sharedLacks) in work)
                {
                    await DrainLiveAsync(ct);
                    var ok = true;
                    if (localHas)
                    {
                        foreach (var peer in lacking)
                        {
                            ok &= await CopyAsync(replica, peer, "node", "catchup", () => _transfer.PushAsync(peer, replica, _catchUpLimiter, ct), ct);
                        }

                        if (sharedLacks)
                        {
                            // The inventory is from the start of the pass: a live copy (a retry come due) may have
                            // uploaded it since, and a second upload of a long recording is minutes of wasted bandwidth.
                            ok &= await CopyAsync(replica, "shared", "shared", "catchup", () => UploadAsync(replica, _catchUpLimiter, ct), ct);
                        }
                    }
                    else
                    {
                        ok = false;
                        foreach (var peer in having)
                        {
                            if (ok = await CopyAsync(replica, _self + " from " + peer, "local", "catchup", () => _transfer.PullAsync(peer, replica, _catchUpLimiter, ct), ct))
                            {
                                break;
                            }
                        }

                        if (!ok && sharedManifests is not null)
                        {
                            ok = await CopyAsync(replica, _self + " from shared", "local", "catchup", () => _transfer.DownloadAsync(replica, _catchUpLimiter, ct), ct);
                        }
                    }

                    copies += ok ? 1 : 0;
                    missing += ok ? 0 : 1;
                    Interlocked.Decrement(ref _catchUpBacklog);
                }

                var last = page[^1].Manifest;
                (afterStartedAt, afterId) = (last.StartedAt, last.Id);
            }

            ReplicationLog.PassDone(_logger, reason, recordings, copies, missing, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            ReplicationLog.PassFailed(_logger, reason, ex);
            Owe("the last pass failed");
        }
        finally
        {
            Interlocked.Exchange(ref _catchUpBacklog, 0);
        }
    }

    private static void Seen(
        ReplicaDescriptor replica, string location, bool has, List<(string Id, string Location, string Sha256)> present, List<(string Id, string Location)> absent)
    {
        if (has)
        {
            present.Add((replica.Key.Id, location, replica.Sha256));
        }
        else
        {
            absent.Add((replica.Key.Id, location));
        }
    }

    /// <summary>
    /// The replica table as this pass saw the stores: copies nobody recorded (a report lost with its node, or while the
    /// database was down; the rows before migration 7) are added, copies gone without a report removed.
    /// </summary>
    private async Task MendAsync(
        List<(string Id, string Location, string Sha256)> present, List<(string Id, string Location)> absent, DateTimeOffset seenAt, CancellationToken ct)
    {
        try
        {
            await _catalog.Replicas.MendAsync(present, absent, seenAt, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            StorageLog.MendFailed(_logger, ex);
            Owe("mending the replica table failed");
        }
    }

    /// <summary>Starts every queued live item and waits for the live copies in flight: live goes before catch-up.</summary>
    private async Task DrainLiveAsync(CancellationToken ct)
    {
        while (_live.Reader.TryRead(out var item))
        {
            await StartLiveAsync(item, ct);
        }

        await WaitForLiveCopiesAsync(ct);
    }

    private async Task WatchMembershipAsync(CancellationToken ct)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var snapshot in _membership.MembershipUpdates.WithCancellation(ct))
            {
                var active = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Active && !string.Equals(m.Name, _self, StringComparison.Ordinal))
                    .Select(m => m.Name)
                    .ToHashSet(StringComparer.Ordinal);
                if (!active.IsSubsetOf(known))
                {
                    RequestReconcile("node joined: " + string.Join(", ", active.Except(known)));
                }

                known = active;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(_options.ReconcileInterval, _time);
            while (await timer.WaitForNextTickAsync(ct))
            {
                // Without a target a pass would only read every manifest and walk the whole catalog for nothing. A
                // node that joins triggers a pass of its own.
                if (!HasTarget(ActivePeers()))
                {
                    continue;
                }

                if (Volatile.Read(ref _owed) is { } why)
                {
                    RequestReconcile("owed: " + why);
                }
                else if (_time.GetElapsedTime(Interlocked.Read(ref _lastPassStarted)) >= _options.FullReconcileInterval)
                {
                    RequestReconcile("periodic");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private static string Key(ReplicaInfo info) => info.Id + ":" + info.Sha256.ToLowerInvariant();

    private static string Key(ReplicaDescriptor replica) => replica.Key.Id + ":" + replica.Sha256;

    private sealed record LiveItem(string Id, int Attempt);
}
