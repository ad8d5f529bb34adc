using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A page in Debian's Firefox ESR (/usr/bin/firefox-esr, headless), driven over WebDriver BiDi (the W3C protocol
/// Firefox speaks natively) by this small client: Playwright drives only its own patched Firefox builds, which cannot be
/// installed here and are not what users run, and the PuppeteerSharp builds on the package feed (25.15, 25.17) are built
/// against WebDriverBiDi 0.0.61, which the feed does not serve; the versions it does serve (0.0.63, 0.0.64) changed the
/// API PuppeteerSharp calls, so its launch fails with a MissingMethodException.
/// Commands go one at a time and no events are subscribed to, so every message that arrives answers the command sent.
/// Each browser plays into a <see cref="PrivatePulseAudio"/> null sink of its own: without an audio device Firefox stops
/// playback with a media error.
/// </summary>
internal sealed partial class FirefoxPage : IBrowserPage
{
    public const string ExecutablePath = "/usr/bin/firefox-esr";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(40);

    /// <summary>
    /// The profile's preferences, on top of those Firefox's remote agent sets itself for automation.
    /// </summary>
    private static readonly string[] Preferences =
    [
        // Let play() start audible media without a user gesture, as Chromium's --autoplay-policy flag does.
        """user_pref("media.autoplay.default", 0);""",
        """user_pref("media.autoplay.blocking_policy", 0);""",
        // Play through PulseAudio (PULSE_SERVER names the private server), the backend a Linux desktop uses.
        """user_pref("media.cubeb.backend", "pulse");""",
        // Keep the browser's own background traffic (remote settings, updates, safe browsing) off the network: every
        // host name resolves to loopback without a DNS query, and every proxied request goes to a closed loopback port.
        // Loopback itself is never proxied, so the page under test loads directly.
        """user_pref("network.dns.forceResolve", "127.0.0.1");""",
        """user_pref("network.trr.mode", 5);""",
        """user_pref("network.proxy.type", 1);""",
        """user_pref("network.proxy.http", "127.0.0.1");""",
        """user_pref("network.proxy.http_port", 9);""",
        """user_pref("network.proxy.ssl", "127.0.0.1");""",
        """user_pref("network.proxy.ssl_port", 9);""",
        """user_pref("network.proxy.allow_hijacking_localhost", false);""",
    ];

    private readonly PrivatePulseAudio _audio;
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly StringBuilder _output;
    private readonly ClientWebSocket _socket = new();
    private string _context = "";
    private int _nextCommandId;

    private FirefoxPage(PrivatePulseAudio audio, Process process, DirectoryInfo profile, StringBuilder output)
    {
        _audio = audio;
        _process = process;
        _profile = profile;
        _output = output;
    }

    public string Browser { get; private set; } = "Firefox";

    /// <summary>Starts Firefox with a fresh profile, connects to its BiDi endpoint, opens a session and takes its tab.</summary>
    public static async Task<FirefoxPage> LaunchAsync()
    {
        var profile = Directory.CreateTempSubdirectory("firefox-profile-");
        await File.WriteAllLinesAsync(Path.Combine(profile.FullName, "user.js"), Preferences);
        var audio = await PrivatePulseAudio.StartAsync();
        var start = new ProcessStartInfo(
            ExecutablePath, ["--headless", "--no-remote", "--remote-debugging-port=0", "--profile", profile.FullName, "about:blank"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PULSE_SERVER"] = audio.Server;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups["url"].Value);
            }
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("firefox-esr did not start");
        }
        catch
        {
            audio.Dispose();
            throw;
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var page = new FirefoxPage(audio, process, profile, output);
        try
        {
            string url;
            try
            {
                url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Firefox did not open its BiDi endpoint within 60 s:\n{Snapshot(output)}");
            }

            await page._socket.ConnectAsync(new Uri(url + "/session"), CancellationToken.None);
            var session = await page.SendAsync("session.new", new JsonObject { ["capabilities"] = new JsonObject() });
            var capabilities = session["capabilities"]!;
            page.Browser = $"{capabilities["browserName"]} {capabilities["browserVersion"]}";
            var tree = await page.SendAsync("browsingContext.getTree", new JsonObject { ["maxDepth"] = 0 });
            page._context = (string)tree["contexts"]![0]!["context"]!;
            return page;
        }
        catch
        {
            await page.DisposeAsync();
            throw;
        }
    }

    public async Task GotoAsync(string url) =>
        await SendAsync("browsingContext.navigate", new JsonObject { ["context"] = _context, ["url"] = url, ["wait"] = "complete" });

    /// <summary>Sets the field's value and fires <c>input</c> and <c>change</c>, the events a person's typing ends with.</summary>
    public Task FillAsync(string selector, string value) => EvaluateAsync(
        """
        argument => {
          const { selector, value } = JSON.parse(argument);
          const field = document.querySelector(selector);
          field.focus();
          field.value = value;
          field.dispatchEvent(new Event('input', { bubbles: true }));
          field.dispatchEvent(new Event('change', { bubbles: true }));
          return '';
        }
        """,
        JsonSerializer.Serialize(new { selector, value }));

    public Task ClickAsync(string selector) =>
        EvaluateAsync("selector => { document.querySelector(selector).click(); return ''; }", selector);

    /// <summary>
    /// Waits until the element is there and shown (not in a hidden section), as Playwright's wait does. Polls from here
    /// rather than in the page, so a navigation while waiting does not lose the wait.
    /// </summary>
    public async Task WaitForSelectorAsync(string selector)
    {
        const string Shown = "selector => document.querySelector(selector)?.checkVisibility() ? 'shown' : ''";
        var deadline = Stopwatch.StartNew();
        while (await EvaluateAsync(Shown, selector) != "shown")
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"{selector} did not appear in Firefox within 20 s");
            }

            await Task.Delay(100);
        }
    }

    public async Task<string> EvaluateAsync(string function, string argument)
    {
        var result = await SendAsync("script.callFunction", new JsonObject
        {
            ["functionDeclaration"] = function,
            ["awaitPromise"] = true,
            ["target"] = new JsonObject { ["context"] = _context },
            ["arguments"] = new JsonArray(new JsonObject { ["type"] = "string", ["value"] = argument }),
        });
        if ((string?)result["type"] == "exception")
        {
            throw new InvalidOperationException($"The script threw in Firefox: {result["exceptionDetails"]?["text"]}");
        }

        var value = result["result"]!;
        return (string?)value["type"] == "string"
            ? (string)value["value"]!
            : throw new InvalidOperationException($"The script returned {value.ToJsonString()}, not a string.");
    }

    public async ValueTask DisposeAsync()
    {
        var closing = false;
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                closing = true;
                await SendAsync("browser.close", new JsonObject());
            }
        }
        catch (Exception e) when (e is WebSocketException or InvalidOperationException or OperationCanceledException)
        {
            // The socket may drop before browser.close is answered: the browser is going away all the same.
        }

        if (!closing || !_process.WaitForExit(10_000))
        {
            Stop(_process);
        }

        _process.Dispose();
        _socket.Dispose();
        _audio.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a process just ended: the temporary directory is cleaned up with the machine.
        }
    }

    /// <summary>Sends one command and returns its result, or throws with the protocol's error and the browser's output.</summary>
    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = ++_nextCommandId;
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        while (true)
        {
            var message = await ReceiveAsync(timeout.Token);
            if (message["id"] is null || (int)message["id"]! != id)
            {
                continue; // an event or a late answer: not ours
            }

            if ((string?)message["type"] == "error")
            {
                throw new InvalidOperationException($"{method}: {message["error"]}: {message["message"]}\n{Snapshot(_output)}");
            }

            return message["result"]!;
        }
    }

    private async Task<JsonNode> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(chunk, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"Firefox closed the BiDi connection.\n{Snapshot(_output)}");
            }

            buffer.Write(chunk, 0, received.Count);
        }
        while (!received.EndOfMessage);

        return JsonNode.Parse(buffer.ToArray()) ?? throw new InvalidOperationException("An empty BiDi message.");
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [GeneratedRegex(@"WebDriver BiDi listening on (?<url>ws://\S+)")]
    private static partial Regex ListeningLine();
}
