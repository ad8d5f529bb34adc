using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// One HTTP attempt of a delivery: <c>POST</c> the body, signed, with the event id for idempotency. Any 2xx is a
/// success; anything else (status, timeout, refused connection, redirect) is a failure the dispatcher retries later.
/// </summary>
/// <remarks>
/// The client comes from <see cref="IHttpClientFactory"/> (<see cref="ClientName"/>: no redirects, the
/// <c>Recorder:Webhooks:Timeout</c>). Redirects are not followed: the admin configured the URL, a receiver must not
/// move a signed body elsewhere. The response body is not read.
/// </remarks>
internal sealed class WebhookSender(IHttpClientFactory clients, TimeProvider timeProvider)
{
    public const string ClientName = "webhooks";

    public async Task<WebhookAttemptResult> SendAsync(WebhookSubscription subscription, WebhookDelivery delivery, int attempt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(delivery);
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("OrleansRecorder-Webhooks", "1"));
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Header(subscription.Secret, timestamp, delivery.Payload));
        request.Headers.Add(WebhookSignature.EventIdHeader, delivery.EventId);
        request.Headers.Add(WebhookSignature.EventTypeHeader, delivery.EventType);
        request.Headers.Add(WebhookSignature.AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? WebhookAttemptResult.Success(status)
                : WebhookAttemptResult.Failure(status, string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {response.ReasonPhrase}"));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return WebhookAttemptResult.Failure(null, "timed out");
        }
        catch (HttpRequestException ex)
        {
            return WebhookAttemptResult.Failure(null, ex.GetBaseException().Message);
        }
    }
}
