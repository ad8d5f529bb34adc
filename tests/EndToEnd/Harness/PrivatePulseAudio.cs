using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A PulseAudio server of one browser's own, with a null sink as its only output, on a socket in a temporary directory.
/// Firefox plays media through an audio device and stops with a media error (<c>OnMediaSinkAudioError</c>) on a machine
/// without one, as CI and the development machines are; the null sink consumes the audio in real time, so the player's
/// clock runs as it would on a desktop. Never the user's or the system's server: nothing else connects to this one.
/// </summary>
internal sealed class PrivatePulseAudio : IDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly StringBuilder _output;

    private PrivatePulseAudio(Process process, DirectoryInfo directory, StringBuilder output)
    {
        _process = process;
        _directory = directory;
        _output = output;
    }

    /// <summary>The value for a client's <c>PULSE_SERVER</c>.</summary>
    public string Server => "unix:" + SocketPath(_directory);

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

    public static async Task<PrivatePulseAudio> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("recorder-pulse-");
        // -n: none of the system's default modules (no hardware probing, no D-Bus, no X11), only the two loaded here.
        var start = new ProcessStartInfo("pulseaudio",
        [
            "--daemonize=no", "-n", "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes", "--log-target=stderr",
            "--load=module-null-sink sink_name=recorder_test",
            $"--load=module-native-protocol-unix socket={SocketPath(directory)} auth-anonymous=1",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Its state (cookie, runtime files) in the temporary directory, not the user's home.
        start.Environment["HOME"] = directory.FullName;
        start.Environment["XDG_RUNTIME_DIR"] = directory.FullName;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(directory.FullName, "config");
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("pulseaudio did not start");
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrivatePulseAudio(process, directory, output);

        var clock = Stopwatch.StartNew();
        while (!await AcceptsAsync(SocketPath(directory)))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                var failure = $"pulseaudio is not accepting on {SocketPath(directory)} (exited: {process.HasExited}):\n{server.Output}";
                server.Dispose();
                throw new InvalidOperationException(failure);
            }

            await Task.Delay(50);
        }

        return server;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Left for the machine's temporary-file cleanup.
        }
    }

    private static string SocketPath(DirectoryInfo directory) => Path.Combine(directory.FullName, "native");

    private static async Task<bool> AcceptsAsync(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
