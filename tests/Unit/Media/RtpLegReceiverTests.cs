using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>The receiver's own async receive loop (other platforms, or <c>Recorder__Rtp__BatchedReceive=false</c>).</summary>
public sealed class RtpLegReceiverTests : RtpLegReceiverContract
{
    private protected override RtpReceiveEngine? CreateEngine(TimeProvider time) => null;
}
