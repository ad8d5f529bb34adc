using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A webhook receiver in the test process: an <see cref="HttpListener"/> on 127.0.0.1 that keeps every request
/// (path, headers, body) and answers each path with a scripted status, 200 once the script is used up.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, HttpStatusCode[]> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public WebhookReceiver()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePorts.Next();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 3)
            {
                // taken by a process outside the band's users: another port
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public IReadOnlyList<Received> All => [.. _received];

    public string UrlFor(string path) => $"http://127.0.0.1:{Port}/{path}";

    /// <summary>The statuses <paramref name="path"/> answers, request after request.</summary>
    public void Script(string path, params HttpStatusCode[] statuses) => _scripts["/" + path] = statuses;

    public IReadOnlyList<Received> For(string path) => [.. _received.Where(r => r.Path == "/" + path)];

    /// <summary>Waits until <paramref name="done"/> holds for the requests received, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(Func<IReadOnlyList<Received>, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done(All))
        {
            Assert.True(clock.Elapsed < timeout, $"webhook receiver: {what} not seen in {timeout.TotalSeconds:F0} s; got:\n"
                + string.Join("\n", All.Select(r => $"{r.Path} {r.EventType} {r.EventId} -> {r.Status}")));
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the loop ends with the listener
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Url!.AbsolutePath;
            var index = _counts.AddOrUpdate(path, 0, (_, n) => n + 1);
            var status = _scripts.TryGetValue(path, out var script) && index < script.Length ? script[index] : HttpStatusCode.OK;
            _received.Enqueue(new Received(path, context.Request.Headers["X-Recorder-Event"], context.Request.Headers["X-Recorder-Event-Id"],
                context.Request.Headers["X-Recorder-Signature"], context.Request.Headers["X-Recorder-Attempt"], body, (int)status, DateTimeOffset.UtcNow));
            context.Response.StatusCode = (int)status;
            context.Response.Close();
        }
    }

    /// <summary>One request as it arrived and the status it was answered with.</summary>
    public sealed record Received(string Path, string? EventType, string? EventId, string? Signature, string? Attempt, string Body, int Status, DateTimeOffset At)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }
}
