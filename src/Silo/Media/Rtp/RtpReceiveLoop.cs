using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OrleansRecorder.Silo.Media.Rtp.Linux;

namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>
/// One receive thread over an epoll set of leg sockets: waits for readable sockets, reads each with <c>recvmmsg</c>
/// into native buffers, and hands every datagram to the socket's <see cref="IRtpDatagramHandler"/>.
/// </summary>
/// <remarks>
/// <para>Cost per packet: one <c>recvmmsg</c> per readable socket (up to <see cref="BatchSize"/> datagrams) and one
/// <c>epoll_wait</c> shared by every socket that became readable during the batch window; no thread hop, no
/// allocation. Arrival times are the kernel's (SO_TIMESTAMPNS), so the window does not blur them.</para>
/// <para>Ownership: the native buffers belong to the loop and live until <see cref="Dispose"/>; a handler sees them only
/// during its call. Registration and removal may come from any thread. Removal takes <see cref="_batchGate"/>, which the
/// thread holds while it handles a batch, so once <see cref="Remove"/> returns the thread never touches that socket or
/// handler again; the epoll user data is a never-reused id, so an event of a removed socket finds nothing.</para>
/// </remarks>
internal sealed unsafe class RtpReceiveLoop : IDisposable
{
    /// <summary>Datagrams per recvmmsg: a leg gets one packet per 20 ms, so more only helps after a stall.</summary>
    public const int BatchSize = 8;

    private const int MaxEvents = 512;

    /// <summary>After this many full batches the socket waits for the next epoll round (fairness to the others).</summary>
    private const int MaxBatchesPerWake = 4;

    /// <summary>How long the thread waits before it looks at <see cref="_stopping"/> again.</summary>
    private const int WaitTimeoutMilliseconds = 200;

    private readonly int _index;
    private readonly int _epoll;
    private readonly int _bufferSize;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _batchGate = new();
    private readonly Dictionary<long, RtpReceiveRegistration> _registrations = [];
    private readonly Thread _thread;
    private readonly byte* _events;
    private readonly LinuxUdp.MultiMessageHeader* _messages;
    private readonly LinuxUdp.IoVector* _vectors;
    private readonly byte* _buffers;
    private readonly byte* _addresses;
    private readonly byte* _controls;
    private readonly TimeSpan _batchWindow;
    private readonly double _timestampTicksPerNanosecond;
    private volatile bool _stopping;
    private long _errors;
    private long _handlerErrors;
    private long _datagrams;
    private long _receiveCalls;
    private long _wakeUps;
    private bool _disposed;

    /// <summary>
    /// Starts the thread; <c>index</c> numbers it in its name and logs, <c>bufferSize</c> is the bytes per datagram
    /// buffer (the largest datagram taken plus one, to detect truncation), <c>batchWindow</c> the least time between two
    /// wake-ups (0: wake for every readable socket).
    /// </summary>
    public RtpReceiveLoop(int index, int bufferSize, TimeSpan batchWindow, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchWindow, TimeSpan.FromMilliseconds(100));
        if (!LinuxUdp.IsSupported)
        {
            throw new PlatformNotSupportedException("The batched RTP receive engine needs Linux on x86-64 or arm64.");
        }

        _index = index;
        _bufferSize = bufferSize;
        _timeProvider = timeProvider;
        _logger = logger;
        _batchWindow = batchWindow;
        _timestampTicksPerNanosecond = timeProvider.TimestampFrequency / 1e9;
        _epoll = LinuxUdp.EpollCreate(LinuxUdp.EpollCloseOnExec);
        if (_epoll < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        _events = (byte*)NativeMemory.AllocZeroed((nuint)(MaxEvents * LinuxUdp.EpollEventSize));
        _messages = (LinuxUdp.MultiMessageHeader*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(LinuxUdp.MultiMessageHeader)));
        _vectors = (LinuxUdp.IoVector*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(LinuxUdp.IoVector)));
        _buffers = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * bufferSize));
        _addresses = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * LinuxUdp.SocketAddressStorageSize));
        _controls = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * LinuxUdp.ControlSize));
        for (var i = 0; i < BatchSize; i++)
        {
            _vectors[i].Base = _buffers + (i * bufferSize);
            _vectors[i].Length = (nuint)bufferSize;
            _messages[i].Header.Vectors = _vectors + i;
            _messages[i].Header.VectorCount = 1;
            _messages[i].Header.Name = _addresses + (i * LinuxUdp.SocketAddressStorageSize);
            _messages[i].Header.Control = _controls + (i * LinuxUdp.ControlSize);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"rtp-receive-{index}" };
        _thread.Start();
    }

    /// <summary>Sockets in the set.</summary>
    public int Count
    {
        get
        {
            lock (_batchGate)
            {
                return _registrations.Count;
            }
        }
    }

    /// <summary>Counters since start: datagrams handed over, recvmmsg calls, epoll wake-ups with events, failed calls.</summary>
    public (long Datagrams, long ReceiveCalls, long WakeUps, long Errors) Counters =>
        (Interlocked.Read(ref _datagrams), Interlocked.Read(ref _receiveCalls), Interlocked.Read(ref _wakeUps),
            Interlocked.Read(ref _errors) + Interlocked.Read(ref _handlerErrors));

    /// <summary>Adds the socket to the set; its datagrams go to <see cref="RtpReceiveRegistration.Handler"/> until removed.</summary>
    public void Add(RtpReceiveRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (_batchGate)
        {
            if (_disposed)
            {
                registration.ReleaseHandle();
                throw new ObjectDisposedException(nameof(RtpReceiveLoop));
            }

            _registrations.Add(registration.Id, registration);
        }

        // Arrival times come from the kernel, so reading a socket up to a batch window late does not move them
        // (they align the two legs of a call). Without stamps the read time is used.
        _ = LinuxUdp.EnableArrivalTimestamps(registration.Descriptor);
        if (LinuxUdp.EpollAdd(_epoll, registration.Descriptor, (ulong)registration.Id) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            lock (_batchGate)
            {
                _registrations.Remove(registration.Id);
            }

            registration.ReleaseHandle();
            throw new SocketException(errno);
        }
    }

    /// <summary>Takes the socket out of the set. When this returns, the thread is done with it (see remarks). Idempotent.</summary>
    public void Remove(RtpReceiveRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        bool removed;
        lock (_batchGate)
        {
            removed = _registrations.Remove(registration.Id);
        }

        if (removed)
        {
            // The descriptor is still ours (the registration holds a handle reference), so DEL cannot hit another socket.
            _ = LinuxUdp.EpollDelete(_epoll, registration.Descriptor);
            registration.ReleaseHandle();
        }
    }

    public void Dispose()
    {
        lock (_batchGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping = true;
        if (!_thread.Join(TimeSpan.FromSeconds(5)))
        {
            // The thread is stuck in a handler; leaking the buffers is better than freeing memory it may still write.
            return;
        }

        lock (_batchGate)
        {
            foreach (var registration in _registrations.Values)
            {
                registration.ReleaseHandle();
            }

            _registrations.Clear();
        }

        _ = LinuxUdp.Close(_epoll);
        NativeMemory.Free(_events);
        NativeMemory.Free(_messages);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_buffers);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_controls);
    }

    private void Run()
    {
        while (!_stopping)
        {
            var ready = LinuxUdp.EpollWait(_epoll, _events, MaxEvents, WaitTimeoutMilliseconds);
            if (ready <= 0)
            {
                if (ready < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != LinuxUdp.ErrorInterrupted)
                    {
                        CountError("epoll_wait", errno);
                    }
                }

                continue;
            }

            _wakeUps++;
            var woke = _timeProvider.GetTimestamp();
            lock (_batchGate)
            {
                for (var i = 0; i < ready; i++)
                {
                    var id = (long)LinuxUdp.EventData(_events, i);
                    if (_registrations.TryGetValue(id, out var registration))
                    {
                        Drain(registration);
                    }
                }
            }

            // Let the next packets of every leg queue up: one wake-up then serves every socket that became readable in
            // the window (and a window past the packet time reads several packets per recvmmsg). A recorder has no
            // playout deadline; the kernel's arrival stamps keep the timing exact.
            var rest = _batchWindow - _timeProvider.GetElapsedTime(woke);
            if (rest > TimeSpan.FromMilliseconds(1))
            {
                // A dedicated thread: sleeping it is the point (no timer or thread-pool hop per wake-up).
                Thread.Sleep(rest);
            }
        }
    }

    /// <summary>Reads what the socket holds, up to <see cref="MaxBatchesPerWake"/> batches; level-triggered epoll reports the rest.</summary>
    private void Drain(RtpReceiveRegistration registration)
    {
        for (var batch = 0; batch < MaxBatchesPerWake; batch++)
        {
            for (var i = 0; i < BatchSize; i++)
            {
                // The kernel writes the source's length and the flags of each message: reset them every call.
                _messages[i].Header.NameLength = LinuxUdp.SocketAddressStorageSize;
                _messages[i].Header.ControlLength = LinuxUdp.ControlSize;
                _messages[i].Header.Flags = 0;
                _messages[i].Length = 0;
            }

            var count = LinuxUdp.ReceiveMessages(registration.Descriptor, _messages, BatchSize, LinuxUdp.MessageDontWait, null);
            _receiveCalls++;
            if (count <= 0)
            {
                if (count < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is not (LinuxUdp.ErrorWouldBlock or LinuxUdp.ErrorInterrupted))
                    {
                        // e.g. ECONNREFUSED after an ICMP error: nothing to read this time; the socket stays in the set.
                        CountError("recvmmsg", errno);
                    }
                }

                return;
            }

            // Kernel stamps are wall-clock nanoseconds; arrival = now on the monotonic clock minus how long ago it was.
            var readAt = _timeProvider.GetTimestamp();
            var readAtUnixNanoseconds = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            for (var i = 0; i < count; i++)
            {
                ref var message = ref _messages[i];
                var stamped = LinuxUdp.ArrivalNanoseconds(message.Header);
                var arrival = stamped == 0 ? readAt
                    : readAt - (long)(Math.Clamp(readAtUnixNanoseconds - stamped, 0, 10_000_000_000) * _timestampTicksPerNanosecond);
                Debug.Assert(message.Length <= (uint)_bufferSize, "recvmmsg never writes past the buffer");
                var datagram = new ReadOnlySpan<byte>(_buffers + (i * _bufferSize), (int)message.Length);
                var source = new ReadOnlySpan<byte>(message.Header.Name, (int)Math.Min(message.Header.NameLength, LinuxUdp.SocketAddressStorageSize));
                try
                {
                    registration.Handler.OnDatagram(datagram, source, arrival);
                }
                catch (Exception exception)
                {
                    // Nothing a peer sends may stop the thread that every other leg depends on.
                    if (Interlocked.Increment(ref _handlerErrors) == 1)
                    {
                        MediaLog.RtpHandlerFailed(_logger, _index, exception);
                    }
                }
            }

            _datagrams += count;
            if (count < BatchSize)
            {
                return;
            }
        }
    }

    private void CountError(string call, int errno)
    {
        if (Interlocked.Increment(ref _errors) == 1)
        {
            MediaLog.RtpReceiveCallFailed(_logger, _index, call, errno);
        }
    }
}
