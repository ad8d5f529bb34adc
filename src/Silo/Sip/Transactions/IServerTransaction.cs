using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>A pure server transaction state machine: events in, effects out; no I/O, no clock.</summary>
/// <remarks>Not thread-safe: <see cref="TransactionTable"/> serializes calls.</remarks>
internal interface IServerTransaction
{
    TransactionKey Key { get; }

    /// <summary>The request that created the transaction.</summary>
    SipRequest Request { get; }

    bool IsTerminated { get; }

    /// <summary>True once a final response was sent.</summary>
    bool HasFinalResponse { get; }

    /// <summary>Effects of creating the transaction (pass the request to the TU, and 100 Trying for INVITE).</summary>
    IReadOnlyList<TransactionEffect> Start();

    IReadOnlyList<TransactionEffect> Handle(TransactionEvent transactionEvent);
}
