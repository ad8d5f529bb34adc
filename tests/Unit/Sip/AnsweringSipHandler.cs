using System.Collections.Concurrent;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip;

/// <summary>A transaction user that records every request and answers 200 (after <see cref="Gate"/> opens, when set).</summary>
internal sealed class AnsweringSipHandler : ISipRequestHandler
{
    private readonly ConcurrentQueue<SipServerRequest> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);

    /// <summary>When set, the answer waits for it: the test decides when the response goes.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyList<SipServerRequest> Requests => [.. _requests];

    /// <summary>Waits (bounded) until <paramref name="count"/> requests in total have arrived.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(LoopbackSipPeer.Timeout);
        while (_requests.Count < count)
        {
            await _arrived.WaitAsync(timeout.Token);
        }
    }

    public bool AnswerAtOnce(SipServerRequest invite) => false;

    public async Task OnRequestAsync(SipServerRequest request)
    {
        _requests.Enqueue(request);
        _arrived.Release();
        if (request.IsAck)
        {
            return;
        }

        if (Gate is { } gate)
        {
            await gate.Task;
        }

        await request.RespondAsync(SipResponse.CreateFor(request.Request, 200).WithToTag("rec"));
    }

    public void OnInviteCancelled(SipRequest invite)
    {
    }

    public void OnAckTimeout(SipRequest invite)
    {
    }
}
