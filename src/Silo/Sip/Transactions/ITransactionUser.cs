using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>Callbacks from <see cref="TransactionTable"/> to the layer above. Called outside the table's lock.</summary>
internal interface ITransactionUser
{
    /// <summary>
    /// A request that created a server transaction (<paramref name="isAck"/> false), or an ACK that matched no INVITE
    /// transaction in Completed/Confirmed (the ACK of a 2xx; <paramref name="isAck"/> true, no transaction).
    /// </summary>
    void OnRequest(SipRequest request, ISipResponseChannel channel, bool isAck);

    /// <summary>A CANCEL matched a pending INVITE; 200 (CANCEL) and 487 (INVITE) were already sent.</summary>
    void OnInviteCancelled(SipRequest invite);

    /// <summary>A 2xx to <paramref name="invite"/> went unacknowledged for 64·T1 (RFC 3261 §13.3.1.4).</summary>
    void OnAckTimeout(SipRequest invite);
}
