using System.Net;
using OrleansRecorder.Silo.Sip.Transactions;

namespace OrleansRecorder.Silo.Sip;

/// <summary>Options of the <see cref="SipStack"/>.</summary>
internal sealed class SipStackOptions
{
    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>UDP and TCP port; 0 picks free ports (see <see cref="SipStack.UdpPort"/> and <see cref="SipStack.TcpPort"/>).</summary>
    public int Port { get; set; } = 5060;

    public int MaxMessageSize { get; set; } = 65535;

    /// <summary>SO_RCVBUF asked for the UDP socket (0: the system default); see <see cref="Configuration.SipOptions.UdpReceiveBufferBytes"/>.</summary>
    public int UdpReceiveBufferBytes { get; set; }

    /// <summary>A TCP connection holding part of a message for longer than this is closed (slowloris).</summary>
    public TimeSpan IncompleteMessageTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a source address is a trusted peer (null: all are). Others are rate-limited.</summary>
    public Func<IPAddress, bool>? IsTrustedSource { get; set; }

    /// <summary>Requests per second accepted from each untrusted source; beyond that they are dropped and counted.</summary>
    public int UntrustedRequestsPerSecond { get; set; } = 20;

    public SipTimerOptions Timers { get; set; } = new();

    /// <summary>RFC 3261 §17.2.1: how long an INVITE's handling may run before a 100 (Trying) is sent.</summary>
    public TimeSpan TryingDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
