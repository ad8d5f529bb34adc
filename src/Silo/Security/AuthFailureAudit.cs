namespace OrleansRecorder.Silo.Security;

/// <summary>
/// Audit rows for failed authentication (wrong password, unknown API key, throttled sign-in), at most one row per
/// source address and action per <see cref="Interval"/>. Anyone can fail to authenticate, on any route, so one row per
/// failure let an anonymous caller fill the append-only table at its own request rate.
/// <para>
/// The first failure of a quiet source is written at once, as before, so a single mistake shows in the log straight
/// away. Later failures within the interval are counted, and when it ends one row carries their count, the reasons
/// and the accounts tried; that row opens the next interval. A sustained attack from one address therefore costs one
/// row a minute. Sources are bounded (<see cref="Capacity"/>); past that, new sources share one row with source "*".
/// </para>
/// </summary>
internal sealed class AuthFailureAudit : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    public const int DefaultCapacity = 10_000;
    public const string OverflowSource = "*";

    /// <summary>Accounts named in one summary row; the rest are only counted.</summary>
    private const int AccountsListed = 5;
    private const int AccountNameLength = 64;

    private readonly ISecurityStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Action, string Source), Bucket> _buckets = [];
    private readonly ITimer _timer;

    public AuthFailureAudit(ISecurityStore store, TimeProvider time, ILogger<AuthFailureAudit> logger, int capacity = DefaultCapacity)
    {
        _store = store;
        _time = time;
        _logger = logger;
        Capacity = capacity;
        // A quarter of the interval: a summary row is at most 15 s late.
        var period = Interval / 4;
        _timer = time.CreateTimer(_ => _ = FlushLoggedAsync(), null, period, period);
    }

    public int Capacity { get; }

    /// <summary>One failure: written now if the source has been quiet for an interval, otherwise counted.</summary>
    public Task RecordAsync(string action, string? source, string? account, string reason)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = _time.GetUtcNow();
        account = AuditLimits.Truncate(account, AccountNameLength);
        lock (_gate)
        {
            var key = (action, source ?? "");
            if (!_buckets.TryGetValue(key, out var bucket) && _buckets.Count >= Capacity)
            {
                key = (action, OverflowSource);
                _buckets.TryGetValue(key, out bucket);
            }

            if (bucket is null || (bucket.Pending == 0 && now >= bucket.NextRowAt))
            {
                _buckets[key] = new Bucket { NextRowAt = now + Interval };
                return _store.AppendAuditAsync(new AuditEntry(0, now, account, key.Item2 == "" ? null : key.Item2, action, account, reason), CancellationToken.None);
            }

            bucket.Add(now, account, reason);
            return Task.CompletedTask;
        }
    }

    /// <summary>Writes the summary rows whose interval has ended (all of them when <paramref name="all"/>), and forgets quiet sources.</summary>
    public async Task FlushAsync(bool all = false)
    {
        var now = _time.GetUtcNow();
        var rows = new List<AuditEntry>();
        lock (_gate)
        {
            foreach (var (key, bucket) in _buckets)
            {
                if (!all && now < bucket.NextRowAt)
                {
                    continue;
                }

                if (bucket.Pending == 0)
                {
                    _buckets.Remove(key);
                    continue;
                }

                rows.Add(new AuditEntry(0, now, bucket.LastAccount, key.Source == "" ? null : key.Source, key.Action, bucket.LastAccount, bucket.Summary()));
                bucket.Restart(now + Interval); // in place: replacing a value while enumerating is not allowed
            }
        }

        foreach (var row in rows)
        {
            await _store.AppendAuditAsync(row, CancellationToken.None);
        }
    }

    /// <summary>Stops the timer and writes what is still counted, so a shutdown loses no failures.</summary>
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        await FlushAsync(all: true);
    }

    private async Task FlushLoggedAsync()
    {
        try
        {
            await FlushAsync();
        }
        catch (Exception ex)
        {
            // The timer has no caller to throw to; a database hiccup must not kill the process, and the next tick retries
            // nothing (the counts are gone), so say so.
            _logger.LogWarning(ex, "Failed to write the failed-authentication summary rows of the audit log");
        }
    }

    private sealed class Bucket
    {
        private readonly Dictionary<string, int> _reasons = new(StringComparer.Ordinal);
        private readonly List<string> _accounts = [];
        private int _otherAccounts;
        private DateTimeOffset _first;

        public DateTimeOffset NextRowAt { get; set; }
        public int Pending { get; private set; }
        public string? LastAccount { get; private set; }

        public void Add(DateTimeOffset now, string? account, string reason)
        {
            if (Pending++ == 0)
            {
                _first = now;
            }

            // Reasons come from a short fixed list, so this dictionary stays small.
            _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
            LastAccount = account;
            if (account is not null && !_accounts.Contains(account, StringComparer.Ordinal))
            {
                if (_accounts.Count < AccountsListed)
                {
                    _accounts.Add(account);
                }
                else
                {
                    _otherAccounts++;
                }
            }
        }

        /// <summary>The summary row is written: count afresh, and write no other row before <paramref name="nextRowAt"/>.</summary>
        public void Restart(DateTimeOffset nextRowAt)
        {
            NextRowAt = nextRowAt;
            Pending = 0;
            LastAccount = null;
            _otherAccounts = 0;
            _reasons.Clear();
            _accounts.Clear();
        }

        /// <summary>E.g. <c>count=12 since 10:04:31Z: wrong password ×9, unknown user ×3; accounts: alice, bob (+2 more)</c>.</summary>
        public string Summary()
        {
            var text = $"count={Pending} since {_first.UtcDateTime:HH:mm:ss}Z: "
                + string.Join(", ", _reasons.Select(r => $"{r.Key} ×{r.Value}"));
            if (_accounts.Count > 0)
            {
                text += "; accounts: " + string.Join(", ", _accounts) + (_otherAccounts > 0 ? $" (+{_otherAccounts} more)" : "");
            }

            return text;
        }
    }
}
