using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Media.Rtp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>The receiver read by the node's epoll/recvmmsg engine (the Linux default).</summary>
public sealed class RtpLegReceiverOnEngineTests : RtpLegReceiverContract
{
    private protected override RtpReceiveEngine? CreateEngine(TimeProvider time) =>
        new(threads: 1, maxDatagramSize: new RtpReceiverOptions().MaxDatagramSize, batchWindow: TimeSpan.Zero, time, NullLogger.Instance);
}
