namespace OrleansRecorder.Silo.Licensing;

/// <summary>The outcome of evaluating a node's licence at one instant.</summary>
/// <param name="Kind">Evaluation, valid or invalid.</param>
/// <param name="Channels">Concurrent recorded calls allowed now: the licence's channels, the evaluation allowance, or 0.</param>
/// <param name="Reason">Null when valid; otherwise what an operator should read (evaluation warning or why it is invalid).</param>
/// <param name="License">The licence fields once its signature verified (also when it is for another node or expired).</param>
internal sealed record LicenseState(LicenseKind Kind, int Channels, string? Reason, LicenseDocument? License)
{
    public DateTimeOffset? ExpiresAt => License?.ExpiresAt;

    public bool IsValid => Kind == LicenseKind.Valid;

    /// <summary>True when the licence has an expiry and <paramref name="now"/> is at or past it.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiresAt && now >= expiresAt;

    public static LicenseState Evaluation(int channels, string reason) => new(LicenseKind.Evaluation, channels, reason, null);

    public static LicenseState Valid(LicenseDocument license) => new(LicenseKind.Valid, license.Channels, null, license);

    public static LicenseState Invalid(string reason, LicenseDocument? license = null) => new(LicenseKind.Invalid, 0, reason, license);
}
