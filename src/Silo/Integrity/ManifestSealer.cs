using System.Text.Json;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// Signs each manifest this node writes and appends it to the node's recording chain (one chain per signing key, so
/// nodes never coordinate). The chain head is written to disk before the sealed manifest: a process killed between the
/// two leaves a gap in the sequence, which <c>verify</c> reports, never two recordings with one number.
/// </summary>
/// <remarks>
/// <para>
/// The head is written per recording by temp file and rename but not fsynced (it was: one of a call's five to seven
/// fsyncs, which together took 7 % of the node's CPU samples at 100 calls/s, issue #17). A killed process loses nothing
/// by it: the page cache keeps the rename. Only an
/// operating-system crash or power loss can bring back an older head, and the manifests sealed after it are the truth
/// then: each carries its seal (key, number, link) and was fsynced before the recording counted as finalized. So the
/// first use after a reboot (the kernel's boot id differs from the one stored beside the head) reads the manifests
/// written since the head file's time and continues after the newest of this key's (<see cref="NewestSealed"/>).
/// </para>
/// <para>
/// What the head must still never lose is a number that something outside this node saw: a chain checkpoint in the
/// audit log. <see cref="HeadAsync"/> therefore makes the head durable before it returns it (once per checkpoint
/// interval). A number sealed but neither checkpointed nor in a manifest on disk at a power loss may be sealed again;
/// nothing durable names it.
/// </para>
/// </remarks>
internal sealed class ManifestSealer(NodeSigningKey key, string dataDirectory, Func<string?>? bootId = null)
{
    /// <summary>The folder of the chain heads, <c>{DataDirectory}/signing/chain-{keyId}.json</c>.</summary>
    public const string Folder = "signing";

    /// <summary>
    /// How much older than the head file a manifest sealed after it may look: the wall clock stepped back between the
    /// two writes (an NTP step). A wider window only makes the scan after a reboot read more manifests.
    /// </summary>
    internal static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(1);

    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _headPath = Path.Combine(dataDirectory, Folder, $"chain-{key.KeyId}.json");
    private readonly string _bootPath = Path.Combine(dataDirectory, Folder, $"chain-{key.KeyId}.boot");
    private readonly Func<string?> _bootId = bootId ?? ReadBootId;
    private ChainState? _head;
    private long _durableSeq = -1;

    public NodeSigningKey Key => key;

    public async Task<RecordingManifest> SealAsync(RecordingManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var head = _head ?? LoadHead();
            var sealedManifest = ManifestSealing.Seal(manifest, key, head.Seq + 1, head.Link, head.Id);
            var next = new ChainState(head.Seq + 1, ManifestSealing.Link(sealedManifest), manifest.Id);

            // Not fsynced: see the remarks; the sealed manifest, fsynced by the finalizer, is what survives a power loss.
            AtomicFile.WriteJson(_headPath, next, IntegrityJsonContext.Default.ChainState, durable: false);
            _head = next;
            return sealedManifest;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The chain head as sealed so far (what a checkpoint signs), on disk before it is returned: a number the audit
    /// log names must survive a power loss even when its manifest did not.
    /// </summary>
    public async Task<ChainState> HeadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var head = _head ??= LoadHead();
            if (head.Seq != _durableSeq && head.Seq > 0)
            {
                AtomicFile.WriteJson(_headPath, head, IntegrityJsonContext.Default.ChainState);
                _durableSeq = head.Seq;
            }

            return head;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The head at the first use: the file as it is within one boot (the page cache kept every rename); after a reboot
    /// the newer of the file and the newest manifest of this key written since the file, then made durable.
    /// </summary>
    private ChainState LoadHead()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_headPath)!);
        var boot = _bootId();
        var stored = ReadStoredHead(out var readable);
        if (boot is not null && stored is not null && string.Equals(boot, ReadText(_bootPath), StringComparison.Ordinal))
        {
            return stored;
        }

        // A head missing or torn (renamed in but its data lost) gives no time: every manifest is read.
        var since = stored is null ? DateTime.MinValue : File.GetLastWriteTimeUtc(_headPath) - ClockSlack;
        ChainState? newest;
        using (var own = key.PublicKeys())
        {
            newest = NewestSealed(Path.Combine(dataDirectory, RecordingPaths.RecordingsFolder), own, key.KeyId, since);
        }

        if (!readable && newest is null)
        {
            // A head that cannot be read, and no manifest to continue from, must stop sealing rather than restart the
            // chain at 1 (that would read as forgery).
            throw new InvalidDataException($"The chain head {_headPath} cannot be read and no manifest of key {key.KeyId} was found to rebuild it from.");
        }

        var head = newest is not null && newest.Seq > (stored?.Seq ?? 0)
            ? newest
            : stored ?? new ChainState(0, ManifestSealing.Genesis, null);
        // Written even at 0, so that the next start has a time to read the manifests from (a new key on a full store
        // reads them all once).
        AtomicFile.WriteJson(_headPath, head, IntegrityJsonContext.Default.ChainState);
        _durableSeq = head.Seq;
        if (boot is not null)
        {
            // After the head: a crash between the two only makes the next start read the manifests again.
            var temp = _bootPath + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(boot));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _bootPath, overwrite: true);
        }

        return head;
    }

    /// <summary>The head file, or null when there is none (<paramref name="readable"/> true) or it is torn (false).</summary>
    private ChainState? ReadStoredHead(out bool readable)
    {
        readable = true;
        if (!File.Exists(_headPath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(_headPath), IntegrityJsonContext.Default.ChainState)
                ?? throw new JsonException("empty");
        }
        catch (JsonException)
        {
            readable = false;
            return null;
        }
    }

    /// <summary>
    /// The newest valid seal of <paramref name="keyId"/> among the manifests under <paramref name="recordingsRoot"/>
    /// (<c>{yyyy}/{MM}/{dd}/{id}.json</c>) written at or after <paramref name="sinceUtc"/>, or null when none is. A day
    /// folder older than that is skipped unread: a manifest renamed into it later would have moved its time. A seal
    /// that does not verify (someone wrote a manifest naming this key) is not continued from.
    /// </summary>
    internal static ChainState? NewestSealed(string recordingsRoot, SigningKeySet keys, string keyId, DateTime sinceUtc)
    {
        if (!Directory.Exists(recordingsRoot))
        {
            return null;
        }

        ChainState? newest = null;
        foreach (var year in Directory.EnumerateDirectories(recordingsRoot))
        {
            foreach (var month in Directory.EnumerateDirectories(year))
            {
                foreach (var day in new DirectoryInfo(month).EnumerateDirectories())
                {
                    if (day.LastWriteTimeUtc < sinceUtc)
                    {
                        continue;
                    }

                    foreach (var file in day.EnumerateFiles("*.json"))
                    {
                        if (file.LastWriteTimeUtc >= sinceUtc && Sealed(file.FullName) is { Seal: { } seal } manifest
                            && string.Equals(seal.KeyId, keyId, StringComparison.Ordinal) && seal.Seq > (newest?.Seq ?? 0)
                            && ManifestSealing.Check(manifest, keys) is null)
                        {
                            newest = new ChainState(seal.Seq, ManifestSealing.Link(manifest), manifest.Id);
                        }
                    }
                }
            }
        }

        return newest;
    }

    /// <summary>A manifest, or null for a file that is not one (or went meanwhile).</summary>
    private static RecordingManifest? Sealed(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), RecordingJsonContext.Default.RecordingManifest);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>This boot's id (Linux); null elsewhere, where every first use reads the manifests since the head.</summary>
    private static string? ReadBootId() => ReadText(BootIdPath);

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
