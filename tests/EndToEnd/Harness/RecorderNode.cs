using System.Diagnostics;
using System.Text;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A real recorder process (the built silo) on loopback ports of its own, with its own data directory. Killed (not
/// stopped) on dispose unless stopped first; its console output is kept for failure messages.
/// </summary>
internal sealed class RecorderNode : IAsyncDisposable
{
    public const string ApiKey = "test-api-key";
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RecorderNode(Process process, string name, string dataDirectory, int sipPort, int httpPort, (int Min, int Max) rtp)
    {
        RtpPorts = rtp;
        _process = process;
        Name = name;
        DataDirectory = dataDirectory;
        SipPort = sipPort;
        HttpPort = httpPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The SIP-over-TLS port (<c>Recorder__Sip__TlsPort</c>).</summary>
    public int TlsPort { get; private init; }
    public string DataDirectory { get; }
    public int SipPort { get; }
    public int HttpPort { get; }
    public HttpClient Http { get; }

    /// <summary>The node's RTP port range.</summary>
    public (int Min, int Max) RtpPorts { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A setting's value that removes the harness default (for example the test KEK, to test the generated one).</summary>
    public const string Unset = "\u0000unset";

    /// <summary>The KEK id every test node shares unless a test sets its own.</summary>
    public const string TestKekId = "e2e-kek";

    /// <summary>The test run's AES-256 KEK (base64), fixed so a node restarted by a test reads what it wrote.</summary>
    public const string TestKek = "ZTJlLWtlay1vcmxlYW5zLXJlY29yZGVyLXRlc3RzISE=";

    /// <summary>The node's ECDSA P-256 signing key, made at its first start: <c>{dataDirectory}/e2e-signing.pem</c>.</summary>
    public static string SigningKeyFile(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "e2e-signing.pem");
        if (!File.Exists(path))
        {
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        }

        return path;
    }

    /// <summary>The public half of the node's signing key, PEM: what <c>verify --keys</c> takes.</summary>
    public string SigningPublicKeyPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(SigningKeyFile(DataDirectory)));
        return key.ExportSubjectPublicKeyInfoPem();
    }

    public static async Task<RecorderNode> StartAsync(
        IDictionary<string, string>? settings = null, string? dataDirectory = null, StartWait wait = StartWait.Ready, string? name = null)
    {
        name ??= "e2e-" + Guid.NewGuid().ToString("N")[..8];
        dataDirectory ??= Directory.CreateTempSubdirectory("recorder-e2e-").FullName;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(settings, dataDirectory, wait, name);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Ports come from a band no other process should use (FreePorts), but a machine may have a listener of
                // its own there or a wider ephemeral range: new ports, once or twice, rather than a failed test.
            }
        }
    }

    private static async Task<RecorderNode> StartOnceAsync(IDictionary<string, string>? settings, string dataDirectory, StartWait wait, string name)
    {
        var sipPort = FreePorts.Next();
        var tlsPort = FreePorts.Next();
        var httpPort = FreePorts.Next();
        var (rtpMin, rtpMax) = FreePorts.Range(100);
        var start = new ProcessStartInfo("dotnet", [RepoPaths.SiloDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Recorder__DataDirectory"] = dataDirectory,
            ["Recorder__Node__Name"] = name,
            ["Recorder__Sip__ListenAddress"] = "127.0.0.1",
            ["Recorder__Sip__Port"] = sipPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Never the default 5061: nodes of other tests (and other worktrees) run side by side.
            ["Recorder__Sip__TlsPort"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Recorder__Rtp__PortMin"] = rtpMin.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Recorder__Rtp__PortMax"] = rtpMax.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Recorder__Auth__AdminApiKey"] = ApiKey,
            // The tone checks read PCM; OpusRecordingTests sets opus explicitly.
            ["Recorder__Recording__Format"] = "wav",
            // One KEK for every node of the test run, as a cluster's nodes must share theirs: any node plays any node's recording.
            ["Recorder__Encryption__Keys__0__Id"] = TestKekId,
            ["Recorder__Encryption__Keys__0__Key"] = TestKek,
            // Each node its own signing key (a chain per key), kept with its data so a restarted node goes on signing with it.
            ["Recorder__Signing__KeyFile"] = SigningKeyFile(dataDirectory),
            ["Orleans__ClusterId"] = name,
            ["Orleans__Endpoints__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__GatewayPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Warning",
            ["Logging__LogLevel__Microsoft"] = "Warning",
            ["Logging__LogLevel__Polly"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            if (value == Unset)
            {
                env.Remove(key);
            }
            else
            {
                env[key] = value;
            }
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new RecorderNode(process, name, dataDirectory, sipPort, httpPort, (rtpMin, rtpMax)) { TlsPort = tlsPort };
        try
        {
            switch (wait)
            {
                case StartWait.Ready:
                    await node.WaitUntilAsync("/health/ready", TimeSpan.FromSeconds(60));
                    break;
                case StartWait.Live:
                    await node.WaitUntilAsync("/health/live", TimeSpan.FromSeconds(60));
                    break;
            }
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>Polls an endpoint until it answers 200, the process exits, or the time is up.</summary>
    public async Task WaitUntilAsync(string path, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Recorder exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Recorder not answering 200 on {path} after {timeout}:\n{Output}");
    }

    public async Task<T> GetJsonAsync<T>(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} → {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(body, JsonDefaults.Options)!;
    }

    /// <summary>Waits until the catalog holds at least <paramref name="count"/> recordings matching the query.</summary>
    public async Task<RecordingList> WaitForRecordingsAsync(int count, string query = "", TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        RecordingList list;
        do
        {
            list = await GetJsonAsync<RecordingList>("/api/recordings?pageSize=100" + query);
            if (list.Total >= count)
            {
                return list;
            }

            await Task.Delay(250);
        }
        while (deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)));

        throw new TimeoutException($"Expected {count} recordings{query}, the catalog has {list.Total}.\n{Output}");
    }

    /// <summary>
    /// Waits until <paramref name="count"/> calls with both legs are being recorded; with <paramref name="mediaFlowing"/>,
    /// until both legs have received RTP too. A leg is listed once its INVITE is taken, before its 200 OK and the ACK
    /// (which carries CUCM's delayed answer) are through, so before the peer sends or the leg is configured for it: a
    /// test that freezes or kills the node and then counts the recording's seconds needs the media started, not only
    /// the leg.
    /// </summary>
    public async Task WaitForActiveCallAsync(int count = 1, bool mediaFlowing = false)
    {
        List<System.Text.Json.JsonElement> active = [];
        for (var i = 0; i < 100; i++)
        {
            active = await GetJsonAsync<List<System.Text.Json.JsonElement>>("/api/calls/active");
            if (active.Count == count && active.All(c => c.GetProperty("legs").GetArrayLength() == 2
                    && (!mediaFlowing || (HasReceivedRtp(c, "nearEndLeg") && HasReceivedRtp(c, "farEndLeg")))))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{count} calls never became active{(mediaFlowing ? " with media on both legs" : "")}; the last answer: "
            + $"[{string.Join(", ", active.Select(c => c.ToString()))}]\n" + Output);
    }

    private static bool HasReceivedRtp(System.Text.Json.JsonElement call, string leg) =>
        call.GetProperty(leg) is { ValueKind: System.Text.Json.JsonValueKind.Object } l && l.GetProperty("packetsReceived").GetInt64() > 0;

    /// <summary>Waits for the process to end by itself (e.g. a node that refuses to start).</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>SIGKILL: a crash, not a shutdown.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGSTOP: the process is frozen (a hung node: sockets open, nothing answers) until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signal("CONT");

    private void Signal(string signal) =>
        Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();

    /// <summary>The process's exit code once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the host's graceful shutdown.
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            // Also on disk beside the node's data, for reading after a failed run.
            File.AppendAllText(Path.Combine(DataDirectory, "node.log"), line + Environment.NewLine);
        }
    }
}
