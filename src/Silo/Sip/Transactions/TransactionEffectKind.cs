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
}
