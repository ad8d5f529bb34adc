namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>An <see cref="IHttpClientFactory"/> whose clients all go through one handler.</summary>
internal sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
}
