using System.Collections.Concurrent;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip.Dialogs;

/// <summary>Records the requests the dialog layer sends and answers each as <see cref="Answer"/> says (200 by default).</summary>
internal sealed class FakeSipClient : ISipClient
{
    public ConcurrentQueue<(SipRequest Request, SipTarget Target, DateTimeOffset At)> Sent { get; } = new();

    public TimeProvider? Clock { get; set; }

    /// <summary>The status answered to a request (null: no answer, as after Timer F).</summary>
    public Func<SipRequest, int?> Answer { get; set; } = _ => 200;

    /// <summary>When set, requests are answered only when this completes (a transaction still in progress).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public Task<SipResponse?> SendRequestAsync(SipRequest request, SipTarget target, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue((request, target, (Clock ?? TimeProvider.System).GetUtcNow()));
        return Hold is { } hold ? AnswerAfterAsync(hold.Task, request) : Task.FromResult(AnswerTo(request));
    }

    private async Task<SipResponse?> AnswerAfterAsync(Task hold, SipRequest request)
    {
        await hold;
        return AnswerTo(request);
    }

    private SipResponse? AnswerTo(SipRequest request)
    {
        var status = Answer(request);
        return status is { } code ? SipResponse.CreateFor(request.Headers, code) : null;
    }
}
