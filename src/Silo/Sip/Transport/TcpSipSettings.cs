namespace OrleansRecorder.Silo.Sip.Transport;

/// <summary>Limits of the SIP-over-TCP transport (see <see cref="SipStackOptions"/> for each one's reason).</summary>
internal sealed record TcpSipSettings
{
    public int MaxMessageSize { get; init; } = 65535;

    /// <summary>Slowloris guard: a connection holding part of a message for longer than this is closed.</summary>
    public TimeSpan IncompleteMessageTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection with nothing received or sent for this long is closed; zero or less: never.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Accepted connections per source address; the next one is closed at once.</summary>
    public int MaxConnectionsPerSource { get; init; } = 32;

    /// <summary>Connections in total (accepted and opened by us); the next one is refused.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>Messages queued for a connection and not yet written; one more closes it (a peer that does not read).</summary>
    public int MaxQueuedMessages { get; init; } = 256;

    /// <summary>Bytes queued for a connection and not yet written; more closes it.</summary>
    public int MaxQueuedBytes { get; init; } = 1024 * 1024;

    /// <summary>How long opening a connection may take before the send is given up.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
