using OrleansRecorder.Silo.Configuration;

namespace OrleansRecorder.Silo.Licensing;

/// <summary>
/// This node's current licence, for the call path (<see cref="Channels"/>) and the API (<see cref="Current"/>).
/// </summary>
/// <remarks>
/// Thread-safe: readers take the current <see cref="LicenseState"/> without locking; evaluations are serialized.
/// The file is read at construction and on <see cref="Refresh"/>; in between, a valid licence whose expiry has passed
/// (by the <see cref="TimeProvider"/>) is re-evaluated on the next read, so an expired licence drops to 0 channels
/// without a restart or a timer. State changes are logged once each.
/// </remarks>
internal sealed class LicenseMonitor
{
    private readonly LicenseVerifier _verifier;
    private readonly string? _licenseFile;
    private readonly string? _publicKey;
    private readonly string _nodeName;
    private readonly string _nodeRole;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private volatile LicenseState _state;

    public LicenseMonitor(
        LicenseVerifier verifier,
        string? licenseFile,
        string? publicKey,
        string nodeName,
        string nodeRole,
        TimeProvider timeProvider,
        ILogger<LicenseMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(nodeRole);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _verifier = verifier;
        _licenseFile = licenseFile;
        _publicKey = publicKey;
        _nodeName = nodeName;
        _nodeRole = nodeRole;
        _timeProvider = timeProvider;
        _logger = logger;
        _state = verifier.Evaluate(licenseFile, publicKey, nodeName, nodeRole);
        Log(_state);
    }

    /// <summary>The monitor for <c>Recorder:License</c>; <see cref="LicenseOptions.Channels"/> can only lower the evaluation allowance.</summary>
    public static LicenseMonitor Create(LicenseOptions options, string nodeName, string nodeRole, TimeProvider timeProvider, ILogger<LicenseMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var verifier = new LicenseVerifier(timeProvider, Math.Clamp(options.Channels, 0, LicenseVerifier.EvaluationChannels));
        return new LicenseMonitor(verifier, options.File, options.PublicKey, nodeName, nodeRole, timeProvider, logger);
    }

    /// <summary>The state now: re-evaluated first if a valid licence has expired since the last evaluation.</summary>
    public LicenseState Current
    {
        get
        {
            var state = _state;
            return state.IsValid && state.IsExpiredAt(_timeProvider.GetUtcNow()) ? Refresh() : state;
        }
    }

    /// <summary>Concurrent recorded calls allowed now; 0 when the licence is invalid (every new call gets 486).</summary>
    public int Channels => Current.Channels;

    /// <summary>Null when the licence is valid; otherwise the evaluation warning or why it is invalid, for logs and the API.</summary>
    public string? Problem => Current.Reason;

    /// <summary>Reads the licence file and key again (a renewed licence, or a clock change) and returns the new state.</summary>
    public LicenseState Refresh()
    {
        lock (_gate)
        {
            var previous = _state;
            var state = _verifier.Evaluate(_licenseFile, _publicKey, _nodeName, _nodeRole);
            _state = state;
            if (state != previous)
            {
                Log(state);
            }

            return state;
        }
    }

    private void Log(LicenseState state)
    {
        switch (state.Kind)
        {
            case LicenseKind.Valid when state.License is { } license:
                LicenseLog.Valid(_logger, license.LicenseId, license.Channels, license.Node, license.Role, license.Customer,
                    LicenseVerifier.FormatTime(license.ExpiresAt));
                break;
            case LicenseKind.Evaluation:
                LicenseLog.Evaluation(_logger, state.Channels, state.Reason);
                break;
            default:
                LicenseLog.Invalid(_logger, state.Reason);
                break;
        }
    }
}
