namespace OrleansRecorder.Silo.Security;

/// <summary>
/// Brute-force protection for password sign-in, per account and per source address, in memory on this node.
/// <para>
/// Figures: an account is locked after <see cref="AccountThreshold"/> failures, a source after
/// <see cref="SourceThreshold"/>, each within <see cref="Window"/> of the previous failure. A lock lasts
/// <see cref="BaseLockout"/> and doubles with every further failure after it ends (30 s, 1 min, 2 min … capped at
/// <see cref="MaxLockout"/>). Five is more than a person mistyping needs and, with the doubling, holds an online guesser
/// to about 100 guesses a day per account instead of thousands a minute. A source gets four times as many because an
/// office behind one NAT address shares it, and it stops one address from spraying many accounts (or from evicting the
/// account entries it is locked out of). Cluster-wide counting is not needed: each node is a separate door with the
/// same limits, so a cluster of n nodes allows n times as many guesses, still a tiny number.
/// </para>
/// <para>
/// An attempt is counted as a failure when it begins, not when the password turns out wrong, so 400 attempts sent in
/// parallel are throttled like 400 in a row; <see cref="Succeeded"/> takes the count back and clears the account.
/// Entries are bounded (<see cref="Capacity"/>), the least recently touched evicted first.
/// </para>
/// </summary>
internal sealed class SignInThrottle(TimeProvider time, int capacity = SignInThrottle.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;
    public const int AccountThreshold = 5;
    public const int SourceThreshold = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan BaseLockout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    /// <summary>User names longer than this are cut for the key: an attacker should not choose how much memory a key takes.</summary>
    private const int MaxKeyLength = 128;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _byAge = new(); // least recently touched first

    public int Capacity { get; } = capacity;

    /// <summary>Entries held (accounts and sources), for tests and metrics.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Whether a sign-in attempt for <paramref name="account"/> from <paramref name="source"/> may go ahead; if so it is
    /// counted as a failure until <see cref="Succeeded"/>. If not, <paramref name="retryAfter"/> is how long to wait
    /// (and the refused attempt is not counted, so a locked-out person waiting is not punished by an attacker's rate).
    /// </summary>
    public bool TryBegin(string account, string? source, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(account);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var accountEntry = Touch(AccountKey(account), now);
            var sourceEntry = source is null ? null : Touch(SourceKey(source), now);
            retryAfter = Max(accountEntry.LockedUntil - now, sourceEntry is null ? TimeSpan.Zero : sourceEntry.LockedUntil - now);
            if (retryAfter > TimeSpan.Zero)
            {
                return false;
            }

            retryAfter = TimeSpan.Zero;
            Fail(accountEntry, now, AccountThreshold);
            if (sourceEntry is not null)
            {
                Fail(sourceEntry, now, SourceThreshold);
            }

            return true;
        }
    }

    /// <summary>The right password: the account starts afresh, and the source gets back the failure counted in advance.</summary>
    public void Succeeded(string account, string? source)
    {
        ArgumentNullException.ThrowIfNull(account);
        lock (_gate)
        {
            Remove(AccountKey(account));
            if (source is not null && _entries.TryGetValue(SourceKey(source), out var node))
            {
                var entry = node.Value;
                entry.Failures = Math.Max(0, entry.Failures - 1);
                if (entry.Failures == SourceThreshold - 1)
                {
                    // This very attempt had locked the source: undo that lock, it was a good one.
                    entry.Lockouts = Math.Max(0, entry.Lockouts - 1);
                    entry.LockedUntil = DateTimeOffset.MinValue;
                }
            }
        }
    }

    private static void Fail(Entry entry, DateTimeOffset now, int threshold)
    {
        if (now - entry.LastFailure > Window)
        {
            entry.Failures = 0;
            entry.Lockouts = 0;
        }

        entry.Failures++;
        entry.LastFailure = now;
        if (entry.Failures >= threshold)
        {
            entry.Lockouts++;
            entry.LockedUntil = now + Backoff(entry.Lockouts);
        }
    }

    /// <summary>30 s doubled per lock after the first, capped.</summary>
    internal static TimeSpan Backoff(int lockouts)
    {
        var shift = Math.Min(lockouts - 1, 16); // 2^16 × 30 s is far past the cap already
        var ticks = BaseLockout.Ticks << shift;
        return ticks >= MaxLockout.Ticks ? MaxLockout : TimeSpan.FromTicks(ticks);
    }

    private Entry Touch(string key, DateTimeOffset now)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _byAge.Remove(node);
            _byAge.AddLast(node);
            return node.Value;
        }

        while (_entries.Count >= Capacity && _byAge.First is { } oldest)
        {
            _byAge.RemoveFirst();
            _entries.Remove(oldest.Value.Key);
        }

        node = _byAge.AddLast(new Entry(key) { LastFailure = now });
        _entries[key] = node;
        return node.Value;
    }

    private void Remove(string key)
    {
        if (_entries.Remove(key, out var node))
        {
            _byAge.Remove(node);
        }
    }

    private static string AccountKey(string account) =>
        "a:" + (account.Length > MaxKeyLength ? account[..MaxKeyLength] : account);

    private static string SourceKey(string source) => "s:" + source;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;
        public int Failures { get; set; }
        public int Lockouts { get; set; }
        public DateTimeOffset LastFailure { get; set; }
        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
