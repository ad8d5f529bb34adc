namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The RTP receive engine's counters since start (absent when each leg runs its own receive loop). Datagrams per
/// receive call and per wake-up show how much one system call and one wake-up serve.
/// </summary>
internal sealed record RtpReceiveDto(int Threads, int Legs, long Datagrams, long ReceiveCalls, long WakeUps, long Errors);
