using System.Collections.Concurrent;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Dialogs;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Sip.Dialogs;

/// <summary>Call handling that accepts every INVITE (unless a test says otherwise) and records what it is told.</summary>
internal sealed class FakeDialogUser : IDialogUser
{
    public DialogLayer Layer { get; set; } = null!;

    /// <summary>What to do with a new INVITE; by default accept it with 200.</summary>
    public Func<SipServerRequest, Dialog, Task>? OnInvite { get; set; }

    public ConcurrentQueue<bool> AcceptResults { get; } = new();

    public ConcurrentQueue<SipRequest> Acks { get; } = new();

    public ConcurrentQueue<SipRequest> Refreshes { get; } = new();

    public ConcurrentQueue<(string CallId, string Reason)> Ended { get; } = new();

    public bool AnswerAtOnce(SipServerRequest invite) => false;

    public async Task OnInviteAsync(SipServerRequest invite, Dialog dialog)
    {
        if (OnInvite is { } custom)
        {
            await custom(invite, dialog);
            return;
        }

        AcceptResults.Enqueue(await Layer.AcceptAsync(invite, dialog));
    }

    public Task OnAckAsync(SipServerRequest ack, Dialog dialog)
    {
        Acks.Enqueue(ack.Request);
        return Task.CompletedTask;
    }

    public Task OnRefreshAsync(SipServerRequest request, Dialog dialog)
    {
        Refreshes.Enqueue(request.Request);
        return Layer.RespondInDialogAsync(request, dialog);
    }

    public Task OnDialogEndedAsync(Dialog dialog, string reason)
    {
        Ended.Enqueue((dialog.CallId, reason));
        return Task.CompletedTask;
    }

    public Task OnOtherRequestAsync(SipServerRequest request) =>
        request.RespondAsync(SipResponse.CreateFor(request.Request, 200)).AsTask();
}
