using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>A transport sink that records what the TCP listener reports, with bounded waits as phase barriers.</summary>
internal sealed class RecordingTransportSink : ISipTransportSink
{
    private readonly Channel<(SipRequest Request, ISipResponseChannel Channel)> _requests =
        Channel.CreateUnbounded<(SipRequest, ISipResponseChannel)>();

    private readonly Channel<(IPEndPoint Remote, string Reason)> _closed =
        Channel.CreateUnbounded<(IPEndPoint, string)>();

    private readonly Channel<(IPEndPoint Remote, string Reason)> _refused =
        Channel.CreateUnbounded<(IPEndPoint, string)>();

    private readonly Channel<(IPEndPoint Remote, string Reason)> _handshakeFailures =
        Channel.CreateUnbounded<(IPEndPoint, string)>();

    public ConcurrentQueue<SipResponse> Responses { get; } = new();

    public ConcurrentQueue<Exception> TransportErrors { get; } = new();

    public void OnRequest(SipRequest request, ISipResponseChannel channel) => _requests.Writer.TryWrite((request, channel));

    public void OnResponse(SipResponse response, SipTransportKind transport, IPEndPoint remote) => Responses.Enqueue(response);

    public void OnParseError(SipParseException exception, SipTransportKind transport, IPEndPoint remote, bool answered)
    {
    }

    public void OnTransportError(SipTransportKind transport, IPEndPoint? remote, Exception exception) =>
        TransportErrors.Enqueue(exception);

    public void OnConnectionClosed(IPEndPoint remote, string reason) => _closed.Writer.TryWrite((remote, reason));

    public void OnConnectionRefused(IPEndPoint remote, string reason) => _refused.Writer.TryWrite((remote, reason));

    public void OnTlsHandshakeFailed(IPEndPoint remote, string reason) => _handshakeFailures.Writer.TryWrite((remote, reason));

    public Task<(IPEndPoint Remote, string Reason)> NextHandshakeFailureAsync() => NextAsync(_handshakeFailures, "TLS handshake failure");

    /// <summary>A handshake failure reported so far, without waiting.</summary>
    public bool TryTakeHandshakeFailure(out (IPEndPoint Remote, string Reason) failure) => _handshakeFailures.Reader.TryRead(out failure);

    /// <summary>A request received so far, without waiting.</summary>
    public bool TryTakeRequest(out (SipRequest Request, ISipResponseChannel Channel) request) => _requests.Reader.TryRead(out request);

    public Task<(SipRequest Request, ISipResponseChannel Channel)> NextRequestAsync() => NextAsync(_requests, "request");

    public Task<(IPEndPoint Remote, string Reason)> NextClosedAsync() => NextAsync(_closed, "connection closed");

    public Task<(IPEndPoint Remote, string Reason)> NextRefusedAsync() => NextAsync(_refused, "connection refused");

    private static async Task<T> NextAsync<T>(Channel<T> channel, string phase)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(LoopbackSipPeer.Timeout);
        try
        {
            return await channel.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {phase} within {LoopbackSipPeer.Timeout}.");
        }
    }
}
