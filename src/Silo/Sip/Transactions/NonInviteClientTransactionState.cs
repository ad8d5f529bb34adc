namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>RFC 3261 §17.1.2.2 (Figure 6).</summary>
internal enum NonInviteClientTransactionState
{
    Trying,
    Proceeding,
    Completed,
    Terminated,
}
