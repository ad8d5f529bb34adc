using System.Globalization;
using System.Net;

namespace OrleansRecorder.LoadGenerator;

/// <summary>Command line of the load generator; loopback targets only.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        usage: OrleansRecorder.LoadGenerator <host:port> [options]
          --calls N           recorded calls to place (default 10)
          --duration S        seconds of RTP per call (default 10)
          --rate R            new calls per second (default 10); with more calls than rate x duration x 1.5 the
                              calls are renewed (about rate x duration up at once, new ones replacing ended ones) and
                              the steady window is where at least 95 % of the peak's legs stream
          --time-limit S      hard limit for the whole run (default: ramp + duration + 60)
          --profile DN        Request-URI user, the recording profile's destination (default 7878)
          --rtp-sockets K     RTP source sockets shared round-robin by the legs (default 64)
          --late-ms M         a tick woken more than M ms after its deadline counts as late (default 5)
          --bye-delay-ms M    wait M ms after a call's last RTP packet before its BYEs (default 0: BYE right after)
          --verify URL        afterwards check every call through the REST API (e.g. http://127.0.0.1:8080)
          --api-key K         X-Api-Key for --verify
          --verify-audio      also download each recording (WAV) and check the tones (default on with --verify)
          --no-verify-audio   skip the audio download
          --verify-timeout S  how long to wait for every recording to be listed (default 60 s + 1 s per 20 calls)
          --summary FILE      write the figures as JSON
          --measure-pid PID   sample this process's CPU (/proc/PID/stat) and RSS during the run (the recorder or udp-sink)
          --clk-tck N         kernel clock ticks per second for --measure-pid (default 100; getconf CLK_TCK)
          --srtp SUITE        SRTP (AES_CM_128_HMAC_SHA1_80 or _32): early offer RTP/SAVP with the leg's own key, every
                              packet protected (the node needs Recorder__Sip__AllowSrtpOverInsecureTransport=true)
          --turns S           the parties take turns, like a conversation: near talks (its tone) for S seconds while far
                              sends µ-law digital silence, then far talks, and so on (default 0: both tones all the
                              time, the worst case for the encoder); implies --no-verify-audio
          --rtp-only          no SIP: leg k of the run streams to port (target port + k), e.g. to infra/scripts/udp-sink
        Places CUCM-like recorded calls (two delayed-offer SIP dialogs per call, PCMU tones 600 Hz near / 1400 Hz far)
        over UDP. Refuses any non-loopback target.
        """;

    public required IPEndPoint Target { get; init; }
    public int Calls { get; init; } = 10;
    public double DurationSeconds { get; init; } = 10;
    public double Rate { get; init; } = 10;
    public double TimeLimitSeconds { get; init; }
    public string Profile { get; init; } = "7878";
    public int RtpSockets { get; init; } = 64;
    public double LateMilliseconds { get; init; } = 5;
    public Uri? VerifyUrl { get; init; }
    public string? ApiKey { get; init; }
    public bool VerifyAudio { get; init; } = true;

    /// <summary>How long --verify waits for every recording to be listed; 0: 60 s plus 1 s per 20 calls.</summary>
    public double VerifyTimeoutSeconds { get; init; }
    public string? SummaryFile { get; init; }

    public int MeasurePid { get; init; }

    public int ByeDelayMilliseconds { get; init; }

    /// <summary>
    /// Calls are renewed: far more calls than are up at once (rate x duration), so new calls replace ended ones for a
    /// sustained load of about rate x duration concurrent calls.
    /// </summary>
    public bool Renewed => Calls > 1.5 * Rate * DurationSeconds;

    /// <summary>Seconds each party talks before the other does (0: both all the time).</summary>
    public double TurnSeconds { get; init; }

    /// <summary><see cref="TurnSeconds"/> in 20 ms packets.</summary>
    public int TurnPackets => (int)Math.Round(TurnSeconds * 50);

    /// <summary>Baseline mode: no SIP; leg k streams to the target port + k (a raw UDP sink).</summary>
    public bool RtpOnly { get; init; }

    /// <summary>--srtp: the suite every leg protects its stream with; null for plain RTP.</summary>
    public string? SrtpSuite { get; init; }

    /// <summary>RTP packets each leg sends: the duration in whole 20 ms packets.</summary>
    public int PacketsPerLeg => (int)Math.Round(DurationSeconds * 50);

    public static LoadOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("the first argument is the recorder's SIP address, host:port");
        }

        var target = ParseLoopbackEndPoint(args[0]);
        int calls = 10, sockets = 64;
        double duration = 10, rate = 10, limit = 0, late = 5;
        string profile = "7878";
        Uri? verify = null;
        string? apiKey = null, summary = null;
        var audio = true;
        var rtpOnly = false;
        string? srtp = null;
        var pid = 0;
        var byeDelay = 0;
        double turns = 0;
        double verifyTimeout = 0;
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--calls": calls = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": duration = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--time-limit": limit = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--profile": profile = Next(); break;
                case "--rtp-sockets": sockets = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--late-ms": late = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--verify": verify = new Uri(Next()); break;
                case "--api-key": apiKey = Next(); break;
                case "--verify-audio": audio = true; break;
                case "--no-verify-audio": audio = false; break;
                case "--verify-timeout": verifyTimeout = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--summary": summary = Next(); break;
                case "--rtp-only": rtpOnly = true; break;
                case "--srtp": srtp = Next(); _ = SrtpSender.TagLength(srtp); break;
                case "--turns": turns = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--bye-delay-ms": byeDelay = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--measure-pid": pid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--clk-tck": ProcessSampler.ClockTicks = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(calls, 20000);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, 0.04);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, 3600);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rate, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(sockets, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(byeDelay);
        ArgumentOutOfRangeException.ThrowIfNegative(turns);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(turns, 3600);
        ArgumentOutOfRangeException.ThrowIfNegative(verifyTimeout);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(verifyTimeout, 3600);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byeDelay, 10000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sockets, 4096);
        if (verify is not null && !IsLoopbackHost(verify.Host))
        {
            throw new ArgumentException($"--verify {verify} is not a loopback address: this tool only talks to this machine");
        }

        if (rtpOnly && (verify is not null || target.Port + (2 * calls) > 65535))
        {
            throw new ArgumentException("--rtp-only: no --verify, and target port + 2 x calls must stay below 65536");
        }

        if (limit <= 0)
        {
            limit = (calls / rate) + duration + 60;
        }

        return new LoadOptions
        {
            Target = target,
            Calls = calls,
            DurationSeconds = duration,
            Rate = rate,
            TimeLimitSeconds = limit,
            Profile = profile,
            RtpSockets = sockets,
            LateMilliseconds = late,
            VerifyUrl = verify,
            ApiKey = apiKey,
            VerifyAudio = audio && turns == 0,
            TurnSeconds = turns,
            VerifyTimeoutSeconds = verifyTimeout,
            SummaryFile = summary,
            RtpOnly = rtpOnly,
            SrtpSuite = srtp,
            MeasurePid = pid,
            ByeDelayMilliseconds = byeDelay,
        };
    }

    private static IPEndPoint ParseLoopbackEndPoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"{text}: expected host:port");
        }

        var host = text[..colon].Trim('[', ']');
        if (!IsLoopbackHost(host))
        {
            throw new ArgumentException($"{host} is not a loopback address: this tool only places calls to this machine");
        }

        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException("only IPv4 loopback (127.0.0.0/8) is supported");
        }

        return new IPEndPoint(address, port);
    }

    private static bool IsLoopbackHost(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
