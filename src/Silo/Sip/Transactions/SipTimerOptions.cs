namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1.1 timer values (Table 4).</summary>
internal sealed class SipTimerOptions
{
    /// <summary>RTT estimate, 500 ms by default.</summary>
    public TimeSpan T1 { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmit interval for non-INVITE requests and INVITE responses, 4 s.</summary>
    public TimeSpan T2 { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Maximum duration a message remains in the network, 5 s.</summary>
    public TimeSpan T4 { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>64·T1: timers H, J and L, and the 2xx give-up time.</summary>
    public TimeSpan SixtyFourT1 => T1 * 64;

    /// <summary>Next retransmit interval: doubled, capped at T2 (RFC 3261 §17.2.1 Timer G, §13.3.1.4).</summary>
    public TimeSpan NextInterval(TimeSpan current) => current * 2 < T2 ? current * 2 : T2;
}
