using System.Buffers;
using System.Net;
using System.Net.Sockets;
using OrleansRecorder.Silo.Media.Srtp;
using OrleansRecorder.Silo.Sdp;

namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>
/// Receives one leg's RTP on its own port (legs are told apart by our receive port, never by the source: CUCM legs can
/// share a source port), accepts it from the source <see cref="SourceRule"/> allows, and feeds a
/// <see cref="RtpJitterReorderer"/> that writes gap-free PCM into the leg's <see cref="IPcmSink"/>.
/// </summary>
/// <remarks>
/// <para>Ownership: the receiver owns the socket from construction and closes it in <see cref="StopAsync"/>;
/// the caller releases the port to its allocator afterwards.</para>
/// <para>Receiving: on Linux the node's <see cref="RtpReceiveEngine"/> reads the socket (one epoll set and recvmmsg for
/// every leg: STYLE.md's "one async loop per socket" measured at 24–48 µs of CPU per packet, most of it wake-ups and thread
/// hops); elsewhere, or without an engine, the leg runs its own async receive loop. Either way one reader at a time.</para>
/// <para>Threading: <see cref="Configure"/>, <see cref="GetStats"/> and the final flush run on other threads and take the
/// same lock as the reader, so the sink is never called concurrently (though not always from the reader's thread).</para>
/// <para>Sources: <see cref="MediaSourceRule.Strict"/> takes only the SDP's IP address (or the first source's, when it
/// declared none); <see cref="MediaSourceRule.Latch"/> takes the first well-formed stream wherever it comes from and
/// then only its address, port and SSRC. Either way the first refused source is kept, so a leg that got nothing but
/// refused packets can say where they came from (<see cref="RtpLegStats.RefusedSource"/>).</para>
/// <para>Allocations: none per packet in steady state. One receive buffer (pooled) and one reused <see cref="SocketAddress"/>;
/// the reorderer copies payloads into pre-allocated slots. Packets held before <see cref="Configure"/> use pooled buffers
/// that are returned once they are replayed.</para>
/// <para>SRTP: when the negotiated media carries a master key, every datagram is authenticated and decrypted by the
/// leg's <see cref="SrtpReceiveContext"/> (made once per key in <see cref="Configure"/>) into a leg-owned plaintext
/// buffer before it is parsed; a packet that fails authentication or is a replay is counted and goes no further.</para>
/// </remarks>
internal sealed class RtpLegReceiver : IAsyncDisposable, IRtpDatagramHandler
{
    private const int MaxSocketAddressSize = 32;

    /// <summary>At most this many datagrams are read after stop: 10 s of a 20 ms stream.</summary>
    private const int MaxDrainedDatagrams = 500;

    private readonly Socket _socket;
    private readonly RtpReceiverOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly MediaMetrics _metrics;
    private readonly ILogger _logger;
    private readonly RtpReceiveEngine? _engine;
    private readonly int _port;
    private readonly Lock _gate = new();
    private readonly Lock _stopGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly RtpJitterReorderer _reorderer;
    private readonly SocketAddress _receiveAddress;
    private readonly byte[] _receiveBuffer;
    private readonly byte[] _expectedAddress = new byte[16];
    private readonly byte[] _refusedAddress = new byte[16];

    private Task? _loop;
    private RtpReceiveRegistration? _registration;
    private Task? _stopTask;
    private bool _configured;
    private bool _stopped;
    private bool _hasExpectedSource;
    private AddressFamily _expectedFamily;
    private int _expectedAddressLength;

    /// <summary>The source port packets must come from once latched under <see cref="MediaSourceRule.Latch"/>; -1: any port.</summary>
    private int _expectedPort = -1;
    private bool _matchSsrc;
    private uint _expectedSsrc;
    private bool _sourceLatched;
    private IPEndPoint? _declaredSource;
    private bool _hasRefused;
    private AddressFamily _refusedFamily;
    private int _refusedAddressLength;
    private int _refusedPort;
    private HeldDatagram[]? _held;
    private int _heldCount;
    private long _heldOverflow;
    private long _received;
    private long _wrongSource;
    private long _malformed;
    private long _loopErrors;
    private long _lastAcceptedTimestamp;
    private SrtpReceiveContext? _srtp;
    private SrtpMasterKey? _srtpKey;
    private byte[]? _plainBuffer;
    private long _authFailed;
    private long _replayed;
    private volatile bool _hasReceivedAudio;

    /// <summary>
    /// Takes the socket; <c>engine</c> is the node's receive threads (epoll + recvmmsg), or null for a receive loop of the
    /// leg's own (any platform).
    /// </summary>
    public RtpLegReceiver(Socket socket, IPcmSink sink, RtpReceiverOptions options, TimeProvider timeProvider, MediaMetrics metrics, ILogger logger,
        RtpReceiveEngine? engine = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _socket = socket;
        _options = options;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _engine = engine;
        _port = socket.LocalEndPoint is IPEndPoint local ? local.Port : 0;
        _reorderer = new RtpJitterReorderer(
            sink,
            options.ReorderWindowPackets,
            options.MaxDatagramSize - RtpPacket.FixedHeaderLength,
            options.MaxGapFill,
            timeProvider.TimestampFrequency,
            metrics);
        _receiveAddress = new SocketAddress(socket.AddressFamily);
        _receiveBuffer = ArrayPool<byte>.Shared.Rent(options.MaxDatagramSize + 1);
        _lastAcceptedTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>Which source this leg takes; set once, before <see cref="Configure"/>.</summary>
    public MediaSourceRule SourceRule { get; init; }

    /// <summary>Time since the last packet accepted from the expected source (or since construction/start).</summary>
    public TimeSpan IdleTime => _timeProvider.GetElapsedTime(Volatile.Read(ref _lastAcceptedTimestamp));

    /// <summary>Whether any audio has been written to the sink.</summary>
    public bool HasReceivedAudio => _hasReceivedAudio;

    /// <summary>Starts the receive loop. Packets that arrive before <see cref="Configure"/> are held (bounded).</summary>
    public void Start()
    {
        lock (_stopGate)
        {
            ObjectDisposedException.ThrowIf(_stopTask is not null, this);
            if (_loop is not null || _registration is not null)
            {
                throw new InvalidOperationException("The receiver is already started.");
            }

            Volatile.Write(ref _lastAcceptedTimestamp, _timeProvider.GetTimestamp());
            if (_engine is not null)
            {
                _registration = _engine.Register(_socket, this);
            }
            else
            {
                _loop = ReceiveLoopAsync(_stopping.Token);
            }
        }
    }

    /// <summary>
    /// Sets codec, payload types and the declared source (null: latch on the first source). May be called again
    /// (re-INVITE, UPDATE); held packets are replayed through the new settings. Under <see cref="MediaSourceRule.Latch"/>
    /// a new declared source releases the latch, so the renegotiated stream is taken.
    /// </summary>
    public void Configure(NegotiatedMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _reorderer.Configure(media.Codec, media.PayloadType, media.TelephoneEventPayloadType);
            ConfigureSrtp(media.Srtp);
            if (SourceRule == MediaSourceRule.Latch)
            {
                if (_declaredSource is not null && !Equals(_declaredSource, media.RemoteRtp))
                {
                    _hasExpectedSource = false;
                    _matchSsrc = false;
                    _expectedPort = -1;
                    _sourceLatched = false;
                }
            }
            else if (media.RemoteRtp is { } remote)
            {
                SetExpectedSource(remote.Address);
            }

            _declaredSource = media.RemoteRtp;

            _configured = true;
            MediaLog.RtpLegConfigured(_logger, _port, media.Codec, media.PayloadType, media.TelephoneEventPayloadType, media.RemoteRtp);
            ReplayHeld();
        }
    }

    /// <summary>
    /// The RTP payload type of the first packet held while no answer had configured the leg (null when the leg is
    /// configured or holds nothing): what the peer sends, for a leg that must be configured from our own offer.
    /// </summary>
    public int? HeldPayloadType
    {
        get
        {
            lock (_gate)
            {
                if (_configured || _held is null || _heldCount == 0)
                {
                    return null;
                }

                return RtpPacket.TryParse(_held[0].Datagram, out var first) ? first.PayloadType : null;
            }
        }
    }

    /// <summary>
    /// A new key (first answer, or a re-offer that re-keys) gets a new cryptographic context; the same key keeps the
    /// one it has, with its rollover counters and replay lists (RFC 3711 §3.2.3). Plain RTP drops it.
    /// </summary>
    private void ConfigureSrtp(SrtpMasterKey? key)
    {
        if (key is not null && key.SameKeyAs(_srtpKey))
        {
            return;
        }

        _srtp?.Dispose();
        _srtp = null;
        _srtpKey = key;
        if (key is not null)
        {
            _srtp = new SrtpReceiveContext(key, _options.MaxDatagramSize);
            _plainBuffer ??= new byte[_options.MaxDatagramSize];
        }
    }

    public RtpLegStats GetStats()
    {
        lock (_gate)
        {
            return StatsUnderGate();
        }
    }

    /// <summary>Stops the loop, closes the socket, writes what the reorder window still holds and logs the leg's summary. Idempotent.</summary>
    public Task StopAsync()
    {
        lock (_stopGate)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync();
        if (_registration is not null)
        {
            // After this no receive thread reads the socket, so the drain below is the only reader.
            RtpReceiveEngine.Unregister(_registration);
            DrainQueued();
        }
        else if (_loop is not null)
        {
            await _loop;
            DrainQueued();
        }

        _socket.Dispose();
        RtpLegStats stats;
        lock (_gate)
        {
            _stopped = true;
            if (_configured)
            {
                _reorderer.Flush();
            }

            _reorderer.Dispose();

            ReturnHeld();
            _hasReceivedAudio = _reorderer.HasWrittenAudio;
            stats = StatsUnderGate();
            _srtp?.Dispose();
            _srtp = null;
        }

        ArrayPool<byte>.Shared.Return(_receiveBuffer);
        MediaLog.RtpLegSummary(
            _logger,
            _port,
            stats.PacketsReceived,
            stats.PacketsLost,
            stats.PacketsLate,
            stats.PacketsDuplicate,
            stats.PacketsReordered,
            stats.PacketsWrongSource,
            stats.PacketsMalformed,
            stats.PacketsUnknownPayloadType,
            stats.TelephoneEvents,
            stats.SsrcChanges,
            stats.Gaps,
            stats.GapSamples,
            stats.SamplesWritten);
    }

    /// <summary>The reorderer's counters with this receiver's own; the addresses are formatted here, not per packet.</summary>
    private RtpLegStats StatsUnderGate() => _reorderer.GetStats(_received, _wrongSource, _malformed) with
    {
        PacketsHeldOverflow = _heldOverflow,
        PacketsAuthFailed = _authFailed,
        PacketsReplayed = _replayed,
        SrtpSuite = _srtpKey is null ? null : SrtpSuites.Name(_srtpKey.Suite),
        SourceRule = SourceRule == MediaSourceRule.Latch ? "latch" : "strict",
        DeclaredSource = _declaredSource?.ToString(),
        LatchedSource = _sourceLatched ? FormatSource(_expectedFamily, _expectedAddress.AsSpan(0, _expectedAddressLength), _expectedPort) : null,
        LatchedSsrc = _sourceLatched && _matchSsrc ? _expectedSsrc : null,
        RefusedSource = _hasRefused ? FormatSource(_refusedFamily, _refusedAddress.AsSpan(0, _refusedAddressLength), _refusedPort) : null,
    };

    /// <summary>"address:port" (IPv4-mapped shown as IPv4), or the address alone when the port is not known.</summary>
    private static string FormatSource(AddressFamily family, ReadOnlySpan<byte> address, int port)
    {
        var ip = new IPAddress(address);
        if (family == AddressFamily.InterNetworkV6 && ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        return port < 0 ? ip.ToString() : new IPEndPoint(ip, port).ToString();
    }

    /// <summary>
    /// Reads what is still queued in the socket when the leg stops (the BYE can overtake the last packets, more so
    /// when the receive loop runs behind under load), so the end of the call is not cut off. Bounded.
    /// </summary>
    private void DrainQueued()
    {
        var buffer = _receiveBuffer.AsSpan(0, _options.MaxDatagramSize + 1);
        for (var i = 0; i < MaxDrainedDatagrams; i++)
        {
            try
            {
                if (_socket.Available == 0)
                {
                    return;
                }

                var length = _socket.ReceiveFrom(buffer, SocketFlags.None, _receiveAddress);
                OnDatagram(buffer[..length], _receiveAddress.Family, _receiveAddress.Buffer.Span[.._receiveAddress.Size], _timeProvider.GetTimestamp());
            }
            catch (SocketException)
            {
                return;
            }
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        // Leave Start() at once even when datagrams are already queued.
        await Task.Yield();

        // One byte more than the limit: a datagram that fills it was larger than MaxDatagramSize (truncated).
        var buffer = _receiveBuffer.AsMemory(0, _options.MaxDatagramSize + 1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _receiveAddress, cancellationToken);
                var arrival = _timeProvider.GetTimestamp();
                OnDatagram(_receiveBuffer.AsSpan(0, length), _receiveAddress.Family, _receiveAddress.Buffer.Span[.._receiveAddress.Size], arrival);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref _loopErrors) == 1)
                {
                    MediaLog.RtpReceiveLoopError(_logger, _port, ex);
                }

                // Do not spin on a persistent socket error.
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), _timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    void IRtpDatagramHandler.OnDatagram(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> socketAddress, long arrivalTimestamp) =>
        OnDatagram(datagram, NativeFamily(socketAddress), socketAddress, arrivalTimestamp);

    /// <summary>The family of a native sockaddr as Linux writes it (sa_family_t, host order, at offset 0).</summary>
    private static AddressFamily NativeFamily(ReadOnlySpan<byte> socketAddress) =>
        socketAddress.Length < 2 ? AddressFamily.Unknown
        : System.Runtime.InteropServices.MemoryMarshal.Read<ushort>(socketAddress) switch
        {
            Linux.LinuxUdp.AddressFamilyInet => AddressFamily.InterNetwork,
            Linux.LinuxUdp.AddressFamilyInet6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };

    private void OnDatagram(ReadOnlySpan<byte> datagram, AddressFamily family, ReadOnlySpan<byte> socketAddress, long arrival)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _received++;
            _metrics.PacketReceived();
            if (!_configured)
            {
                Hold(datagram, family, socketAddress, arrival);
                return;
            }

            Accept(datagram, family, socketAddress, arrival);
        }
    }

    /// <summary>Source check, parse, then the reorderer. Runs under <see cref="_gate"/> once configured.</summary>
    private void Accept(ReadOnlySpan<byte> datagram, AddressFamily family, ReadOnlySpan<byte> socketAddress, long arrival)
    {
        if (_hasExpectedSource && !SourceMatches(family, socketAddress))
        {
            Refuse(family, socketAddress);
            return;
        }

        if (_srtp is not null && !TryUnprotect(ref datagram))
        {
            return;
        }

        if (datagram.Length > _options.MaxDatagramSize || !RtpPacket.TryParse(datagram, out var packet))
        {
            _malformed++;
            _metrics.PacketDropped(RtpDropReason.Malformed);
            return;
        }

        if (_matchSsrc && packet.Ssrc != _expectedSsrc)
        {
            // Latched: a second stream from the same transport address is not mixed into the leg (RFC 3550 §8.2).
            Refuse(family, socketAddress);
            return;
        }

        if (!_hasExpectedSource)
        {
            // Latch rule, or no address in the SDP: take the first source that sends well-formed RTP.
            LatchSource(family, socketAddress, packet.Ssrc);
        }

        Volatile.Write(ref _lastAcceptedTimestamp, arrival);
        _reorderer.Push(packet, arrival);
        if (!_hasReceivedAudio && _reorderer.HasWrittenAudio)
        {
            _hasReceivedAudio = true;
        }
    }

    /// <summary>
    /// RFC 3711 §3.3: authentication (and the replay check) before anything reads the packet; on success
    /// <paramref name="datagram"/> becomes the decrypted RTP packet in <see cref="_plainBuffer"/>. No allocation.
    /// </summary>
    private bool TryUnprotect(ref ReadOnlySpan<byte> datagram)
    {
        switch (_srtp!.Unprotect(datagram, _plainBuffer, out var length))
        {
            case SrtpUnprotectResult.Ok:
                datagram = _plainBuffer.AsSpan(0, length);
                return true;
            case SrtpUnprotectResult.AuthenticationFailed:
                _authFailed++;
                _metrics.PacketDropped(RtpDropReason.AuthenticationFailed);
                return false;
            case SrtpUnprotectResult.Replayed:
                _replayed++;
                _metrics.PacketDropped(RtpDropReason.Replayed);
                return false;
            default:
                _malformed++;
                _metrics.PacketDropped(RtpDropReason.Malformed);
                return false;
        }
    }

    private void SetExpectedSource(IPAddress address)
    {
        if (_socket.AddressFamily == AddressFamily.InterNetworkV6 && address.AddressFamily == AddressFamily.InterNetwork)
        {
            address = address.MapToIPv6();
        }
        else if (_socket.AddressFamily == AddressFamily.InterNetwork && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        _expectedFamily = address.AddressFamily;
        _hasExpectedSource = address.TryWriteBytes(_expectedAddress, out _expectedAddressLength);

        // Declared now: an address latched while the SDP named none is no longer what the leg goes by.
        _sourceLatched = false;
    }

    /// <summary>Once per leg (per renegotiation under Latch): the one allocation is the log's address.</summary>
    private void LatchSource(AddressFamily family, ReadOnlySpan<byte> socketAddress, uint ssrc)
    {
        var address = AddressBytes(family, socketAddress);
        if (address.IsEmpty)
        {
            return;
        }

        address.CopyTo(_expectedAddress);
        _expectedAddressLength = address.Length;
        _expectedFamily = family;
        _hasExpectedSource = true;
        _sourceLatched = true;
        if (SourceRule == MediaSourceRule.Latch)
        {
            // Symmetric RTP (RFC 4961): the stream is known by where it comes from, port included, and by its SSRC.
            _expectedPort = Port(socketAddress);
            _expectedSsrc = ssrc;
            _matchSsrc = true;
        }

        MediaLog.RtpSourceLatched(_logger, _port, new IPAddress(address));
    }

    /// <summary>Counts a refused packet and keeps its source if it is the first (copied into a fixed buffer: no allocation).</summary>
    private void Refuse(AddressFamily family, ReadOnlySpan<byte> socketAddress)
    {
        _wrongSource++;
        _metrics.PacketDropped(RtpDropReason.WrongSource);
        if (_hasRefused)
        {
            return;
        }

        var address = AddressBytes(family, socketAddress);
        if (address.IsEmpty)
        {
            return;
        }

        address.CopyTo(_refusedAddress);
        _refusedAddressLength = address.Length;
        _refusedFamily = family;
        _refusedPort = Port(socketAddress);
        _hasRefused = true;
    }

    private bool SourceMatches(AddressFamily family, ReadOnlySpan<byte> socketAddress) =>
        family == _expectedFamily
        && AddressBytes(family, socketAddress).SequenceEqual(_expectedAddress.AsSpan(0, _expectedAddressLength))
        && (_expectedPort < 0 || Port(socketAddress) == _expectedPort);

    /// <summary>The port of a native sockaddr_in or sockaddr_in6: offset 2, network order; -1 when too short.</summary>
    private static int Port(ReadOnlySpan<byte> socketAddress) =>
        socketAddress.Length >= 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(socketAddress[2..]) : -1;

    /// <summary>The IP address inside a native sockaddr: sockaddr_in has it at offset 4, sockaddr_in6 at offset 8.</summary>
    private static ReadOnlySpan<byte> AddressBytes(AddressFamily family, ReadOnlySpan<byte> socketAddress) => family switch
    {
        AddressFamily.InterNetwork when socketAddress.Length >= 8 => socketAddress.Slice(4, 4),
        AddressFamily.InterNetworkV6 when socketAddress.Length >= 24 => socketAddress.Slice(8, 16),
        _ => [],
    };

    private void Hold(ReadOnlySpan<byte> datagram, AddressFamily family, ReadOnlySpan<byte> socketAddress, long arrival)
    {
        _held ??= new HeldDatagram[_options.HeldPacketsBeforeConfigure];
        if (_heldCount == _held.Length || datagram.Length > _options.MaxDatagramSize || socketAddress.Length > MaxSocketAddressSize)
        {
            // Bounded: the newest packets beyond the limit are dropped (the start of the stream is kept for alignment).
            _heldOverflow++;
            _metrics.PacketDropped(RtpDropReason.Late);
            return;
        }

        var held = _held[_heldCount] ??= new HeldDatagram();
        held.Store(datagram, arrival, family, socketAddress);
        _heldCount++;
    }

    private void ReplayHeld()
    {
        if (_held is null)
        {
            return;
        }

        for (var i = 0; i < _heldCount; i++)
        {
            var held = _held[i];
            Accept(held.Datagram, held.Family, held.SocketAddress, held.Arrival);
        }

        ReturnHeld();
    }

    private void ReturnHeld()
    {
        if (_held is null)
        {
            return;
        }

        foreach (var held in _held)
        {
            held?.Release();
        }

        _held = null;
        _heldCount = 0;
    }

    /// <summary>A datagram received before the SDP answer: a pooled copy, its source sockaddr and its arrival time.</summary>
    private sealed class HeldDatagram
    {
        private readonly byte[] _socketAddress = new byte[MaxSocketAddressSize];
        private byte[]? _data;
        private int _length;
        private int _socketAddressLength;

        public long Arrival { get; private set; }

        public AddressFamily Family { get; private set; }

        public ReadOnlySpan<byte> Datagram => _data.AsSpan(0, _length);

        public ReadOnlySpan<byte> SocketAddress => _socketAddress.AsSpan(0, _socketAddressLength);

        public void Store(ReadOnlySpan<byte> datagram, long arrival, AddressFamily family, ReadOnlySpan<byte> socketAddress)
        {
            _data ??= ArrayPool<byte>.Shared.Rent(datagram.Length);
            if (_data.Length < datagram.Length)
            {
                ArrayPool<byte>.Shared.Return(_data);
                _data = ArrayPool<byte>.Shared.Rent(datagram.Length);
            }

            datagram.CopyTo(_data);
            _length = datagram.Length;
            Arrival = arrival;
            Family = family;
            _socketAddressLength = socketAddress.Length;
            socketAddress.CopyTo(_socketAddress);
        }

        public void Release()
        {
            if (_data is not null)
            {
                ArrayPool<byte>.Shared.Return(_data);
                _data = null;
            }

            _length = 0;
        }
    }
}
