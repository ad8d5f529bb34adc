namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>RFC 3261 §17.2.1 (Figure 7) as updated by RFC 6026 §7.1 (Accepted).</summary>
internal enum InviteServerTransactionState
{
    Proceeding,
    Completed,
    Confirmed,
    Accepted,
    Terminated,
}
