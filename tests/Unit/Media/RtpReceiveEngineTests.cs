using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>The epoll/recvmmsg receive engine on real loopback sockets.</summary>
public sealed class RtpReceiveEngineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly RtpReceiveEngine _engine = new(threads: 2, maxDatagramSize: 1500, batchWindow: TimeSpan.FromMilliseconds(5), TimeProvider.System, NullLogger.Instance);
    private readonly List<Socket> _sockets = [];
    private readonly UdpClient _sender = new(new IPEndPoint(IPAddress.Loopback, 0));

    public void Dispose()
    {
        _engine.Dispose();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _sender.Dispose();
    }

    [Fact]
    public async Task EverySocketsDatagramsReachItsOwnHandlerOnly()
    {
        const int Sockets = 40;
        const int PerSocket = 25;
        var handlers = new CollectingDatagramHandler[Sockets];
        var endPoints = new IPEndPoint[Sockets];
        for (var s = 0; s < Sockets; s++)
        {
            handlers[s] = new CollectingDatagramHandler();
            var socket = Bind(out endPoints[s]);
            _engine.Register(socket, handlers[s]);
        }

        // Interleaved, as many legs' packets arrive: datagram = [socket index, sequence].
        for (var i = 0; i < PerSocket; i++)
        {
            for (var s = 0; s < Sockets; s++)
            {
                _sender.Send([(byte)s, (byte)i], endPoints[s]);
            }
        }

        await WaitUntilAsync(() => handlers.All(h => h.Count == PerSocket));
        var senderPort = ((IPEndPoint)_sender.Client.LocalEndPoint!).Port;
        for (var s = 0; s < Sockets; s++)
        {
            var received = handlers[s].Received;
            Assert.All(received, r => Assert.Equal((byte)s, r.Datagram[0]));
            Assert.All(received, r => Assert.Equal(senderPort, r.SourcePort));
            Assert.Equal(Enumerable.Range(0, PerSocket).Select(i => (byte)i), received.Select(r => r.Datagram[1]));
        }

        Assert.Equal(Sockets, _engine.Count);
        Assert.Equal(Sockets * PerSocket, _engine.Counters.Datagrams);
    }

    [Fact]
    public async Task AfterUnregisterTheHandlerGetsNothingMore()
    {
        var handler = new CollectingDatagramHandler();
        var socket = Bind(out var endPoint);
        var registration = _engine.Register(socket, handler);
        _sender.Send([1], endPoint);
        await WaitUntilAsync(() => handler.Count == 1);

        RtpReceiveEngine.Unregister(registration);
        RtpReceiveEngine.Unregister(registration);
        _sender.Send([2], endPoint);
        _sender.Send([3], endPoint);

        // The datagrams stay in the socket for whoever reads it next (the leg's final drain), not for the handler.
        var buffer = new byte[16];
        socket.ReceiveTimeout = 5000;
        Assert.Equal(1, socket.Receive(buffer));
        Assert.Equal(2, buffer[0]);
        Assert.Equal(1, socket.Receive(buffer));
        Assert.Equal(3, buffer[0]);
        Assert.Equal(1, handler.Count);
        Assert.Equal(0, _engine.Count);
    }

    [Fact]
    public async Task AHandlerThatThrowsDoesNotStopTheOtherLegs()
    {
        var broken = new CollectingDatagramHandler { Throw = true };
        var healthy = new CollectingDatagramHandler();
        _engine.Register(Bind(out var brokenEndPoint), broken);
        _engine.Register(Bind(out var healthyEndPoint), healthy);

        for (var i = 0; i < 10; i++)
        {
            _sender.Send([(byte)i], brokenEndPoint);
            _sender.Send([(byte)i], healthyEndPoint);
        }

        await WaitUntilAsync(() => healthy.Count == 10 && broken.Count == 10);
        Assert.Equal(10, _engine.Counters.Errors);
    }

    [Fact]
    public async Task AnOversizedDatagramArrivesOneByteLongerThanTheLimit()
    {
        var handler = new CollectingDatagramHandler();
        _engine.Register(Bind(out var endPoint), handler);
        _sender.Send(new byte[4000], endPoint);
        _sender.Send(new byte[1500], endPoint);

        await WaitUntilAsync(() => handler.Count == 2);
        Assert.Equal([1501, 1500], handler.Received.Select(r => r.Datagram.Length));
    }

    [Fact]
    public async Task TheReceiveThreadAllocatesNothingPerPacketOnceWarm()
    {
        // A real leg (parse, reorder, decode) on the engine; the sink notes the receive thread's allocated bytes at
        // its 200th and 1,000th write.
        using var meterFactory = new TestMeterFactory();
        var sink = new AllocationProbeSink(firstWrite: 200, lastWrite: 1000);
        var socket = Bind(out var endPoint);
        await using var receiver = new RtpLegReceiver(socket, sink, new RtpReceiverOptions(), TimeProvider.System,
            new MediaMetrics(meterFactory), NullLogger.Instance, _engine);
        receiver.Configure(new NegotiatedMedia(AudioCodec.Pcmu, 0, null, new IPEndPoint(IPAddress.Loopback, 40000), 20, MediaDirection.SendOnly));
        receiver.Start();

        // Packets until the sink has seen its 1,000th write: on a loaded machine the kernel may drop some of the first
        // thousand (the receive thread starved), which must not turn into a timeout. Bounded in count.
        var payload = new byte[160];
        for (var sequence = 0; !sink.Done.IsCompleted && sequence < 10_000; sequence++)
        {
            _sender.Send(RtpPacketWriter.Build(0, (ushort)sequence, (uint)(sequence * 160), 7, payload), endPoint);
            if (sequence % 50 == 49)
            {
                // Stay well inside the socket's receive buffer.
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }
        }

        await sink.Done.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(0, sink.AllocatedAtLast - sink.AllocatedAtFirst);
    }

    [Fact]
    public async Task ArrivalTimesAreTheKernelsNotWhenTheBatchWindowLetTheThreadRead()
    {
        // After each batch the thread sleeps out its 100 ms window, so a datagram sent just after one was read waits in
        // the socket; its arrival must still be when it was sent.
        using var engine = new RtpReceiveEngine(threads: 1, maxDatagramSize: 1500, batchWindow: TimeSpan.FromMilliseconds(100),
            TimeProvider.System, NullLogger.Instance);
        var handler = new CollectingDatagramHandler();
        engine.Register(Bind(out var endPoint), handler);

        // Two things can hide the kernel's stamp for one attempt, so a bounded number of attempts is made and one clean
        // observation passes: Linux turns software timestamps on through a deferred work item and, until that has run,
        // stamps a datagram when it is read (net/socket.c, "race occurred between timestamp enabling and packet
        // receiving"); and on a loaded machine this test's own thread can be descheduled so long that the window is
        // over before it sends. An engine that used the read time never passes: its arrival is 40 ms or more late.
        const int Attempts = 20;
        var seen = new List<string>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var before = handler.Count;
            _sender.Send([1], endPoint);
            await WaitUntilAsync(() => handler.Count == before + 1);

            var sentAt = TimeProvider.System.GetTimestamp();
            _sender.Send([2], endPoint);
            var sentDone = TimeProvider.System.GetTimestamp();
            await WaitUntilAsync(() => handler.Count == before + 2);
            var readAfter = TimeProvider.System.GetElapsedTime(sentDone);

            var arrival = handler.Received[before + 1].Arrival;
            var stampedAfterSending = TimeProvider.System.GetElapsedTime(sentDone, arrival);
            var stampedBeforeSending = TimeProvider.System.GetElapsedTime(arrival, sentAt);
            if (readAfter >= TimeSpan.FromMilliseconds(40)
                && stampedAfterSending <= TimeSpan.FromMilliseconds(5)
                && stampedBeforeSending <= TimeSpan.FromMilliseconds(1))
            {
                return;
            }

            seen.Add($"read {readAfter.TotalMilliseconds:F1} ms after sending, stamped {stampedAfterSending.TotalMilliseconds:F1} ms after");
        }

        Assert.Fail($"no attempt of {Attempts} showed the kernel's arrival time: {string.Join("; ", seen)}");
    }

    private Socket Bind(out IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _sockets.Add(socket);
        endPoint = (IPEndPoint)socket.LocalEndPoint!;
        return socket;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Timeout, "timed out waiting for the receive engine");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
