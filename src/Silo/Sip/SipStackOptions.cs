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

    /// <summary>A TCP connection holding part of a message for longer than this is closed (slowloris).</summary>
    public TimeSpan IncompleteMessageTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public SipTimerOptions Timers { get; set; } = new();
}
