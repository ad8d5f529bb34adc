using System.Net;
using OrleansRecorder.Silo.Sip.Messages;
using OrleansRecorder.Silo.Sip.Transactions;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Sip;

/// <summary>A request handed to the <see cref="ISipRequestHandler"/>, with the means to answer it.</summary>
internal sealed class SipServerRequest
{
    private readonly TransactionTable _table;
    private readonly TransactionKey _key;

    internal SipServerRequest(SipRequest request, bool isAck, ISipResponseChannel channel, TransactionTable table, long queuedAt)
    {
        QueuedAt = queuedAt;
        Request = request;
        IsAck = isAck;
        Transport = channel.Kind;
        RemoteEndPoint = channel.RemoteEndPoint;
        LocalEndPoint = channel.LocalEndPoint;
        _table = table;
        _key = TransactionKey.FromRequest(request);
    }

    public SipRequest Request { get; }

    public bool IsAck { get; }

    public SipTransportKind Transport { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>When the transaction layer handed the request over (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    internal long QueuedAt { get; }

    /// <summary>
    /// How long the request waited for a thread between the transaction layer and the handler: near zero on a node with
    /// CPU to spare, growing without bound on one that is behind (the measure of overload the SIP edge acts on).
    /// </summary>
    public TimeSpan QueueDelay { get; internal set; }

    /// <summary>
    /// Set by the handler's <see cref="ISipRequestHandler.AnswerAtOnce"/> on an INVITE it let through and took into
    /// account (a set-up it counts until the INVITE is answered).
    /// </summary>
    public bool Screened { get; set; }

    /// <summary>True once a final response went out through the transaction.</summary>
    public bool HasFinalResponse => _table.HasFinalResponse(_key);

    /// <summary>Sends <paramref name="response"/> through the server transaction (which retransmits it as needed).</summary>
    /// <exception cref="InvalidOperationException">The request is an ACK, which is never answered (RFC 3261 §17.1.1.3).</exception>
    public ValueTask RespondAsync(SipResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (IsAck)
        {
            throw new InvalidOperationException("An ACK is never answered.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        _table.Respond(_key, response);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Like <see cref="RespondAsync"/>, and says whether the response went out: false when the transaction is gone or
    /// already sent a final response (the INVITE was cancelled meanwhile), so the caller can undo what it set up.
    /// </summary>
    public ValueTask<bool> TryRespondAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (IsAck)
        {
            throw new InvalidOperationException("An ACK is never answered.");
        }

        return ValueTask.FromResult(_table.Respond(_key, response));
    }

    /// <summary>
    /// RFC 3261 §17.2.1: the 100 (Trying) of an INVITE whose handling has taken more than 200 ms; nothing once a final
    /// response went out.
    /// </summary>
    internal void SendTryingIfUnanswered()
    {
        if (!IsAck && !HasFinalResponse)
        {
            _table.Respond(_key, SipResponse.CreateFor(Request, 100));
        }
    }
}
