namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>RFC 3261 §17.2.2 (Figure 8).</summary>
internal enum NonInviteServerTransactionState
{
    Trying,
    Proceeding,
    Completed,
    Terminated,
}
