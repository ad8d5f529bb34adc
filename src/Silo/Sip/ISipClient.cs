using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip;

/// <summary>The client side of the SIP stack: requests the recorder originates (BYE, later OPTIONS and NOTIFY).</summary>
internal interface ISipClient
{
    /// <summary>
    /// Sends a non-INVITE request (BYE, later OPTIONS/NOTIFY) as a client transaction (RFC 3261 §17.1.2) and completes
    /// with its final response, or null when Timer F fired, the transport failed, or the stack is stopping. Never throws
    /// for network reasons. The stack adds the top Via (our sent-by, the target's transport, a fresh z9hG4bK branch,
    /// rport), Max-Forwards: 70 when absent and Content-Length.
    /// </summary>
    /// <remarks>
    /// <paramref name="request"/> is not modified: a copy with the Via is sent. Cancelling
    /// <paramref name="cancellationToken"/> stops the wait (an <see cref="OperationCanceledException"/>), not the
    /// transaction: a non-INVITE request cannot be taken back, so it lives on to absorb the answer (RFC 3261 §9.1).
    /// </remarks>
    Task<SipResponse?> SendRequestAsync(SipRequest request, SipTarget target, CancellationToken cancellationToken = default);
}
