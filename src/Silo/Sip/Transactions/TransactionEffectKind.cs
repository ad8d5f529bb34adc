namespace OrleansRecorder.Silo.Sip.Transactions;

internal enum TransactionEffectKind
{
    /// <summary>Send <see cref="TransactionEffect.Response"/> to the transport.</summary>
    Send,

    /// <summary>Start (or restart) <see cref="TransactionEffect.Timer"/> with <see cref="TransactionEffect.Delay"/>.</summary>
    StartTimer,

    StopTimer,

    /// <summary>Hand <see cref="TransactionEffect.Request"/> to the transaction user.</summary>
    PassToUser,

    /// <summary>The transaction is over; <see cref="TransactionEffect.Termination"/> says why.</summary>
    Terminate,

    /// <summary>Client transaction: pass <see cref="TransactionEffect.Request"/> to the transport (first send or retransmission).</summary>
    SendRequest,

    /// <summary>Client transaction: hand <see cref="TransactionEffect.Response"/> to the transaction user.</summary>
    PassResponseToUser,
}
