using System.Net;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>An HTTP handler that answers with the given statuses in turn and keeps each request and its body.</summary>
internal sealed class ScriptedReceiver(params HttpStatusCode[] answers) : HttpMessageHandler
{
    private int _next;

    public List<(HttpRequestMessage Request, string Body)> Received { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Received.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken)));
        var status = answers[Math.Min(_next++, answers.Length - 1)];
        return new HttpResponseMessage(status);
    }
}
