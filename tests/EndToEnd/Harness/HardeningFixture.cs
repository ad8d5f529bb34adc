using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A recorder for the hardening tests of issue 19: no configured admin password (so the first admin's is generated
/// into the data directory), a data directory the node creates itself, HTTPS on a second port with the self-signed
/// node certificate, and one recorded sipp call whose near-end device name is 300 characters long.
/// </summary>
public sealed class HardeningFixture : IAsyncLifetime
{
    public const string Password = "password-123";
    public const string LongDevice = "SEP";

    internal RecorderNode Node { get; private set; } = null!;
    internal string DataDirectory { get; private set; } = null!;
    internal int HttpsPort { get; private set; }
    internal string AdminPassword { get; private set; } = null!;
    internal string Refci { get; } = Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
    internal RecordingView Recording { get; private set; } = null!;

    /// <summary>A second recording, for the test that fills one up to its 100 notes (the others add notes to <see cref="Recording"/>).</summary>
    internal RecordingView NotesRecording { get; private set; } = null!;

    internal string NotesRefci { get; } = Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
    internal static string NearDevice { get; } = LongDevice + new string('A', 297);

    public async ValueTask InitializeAsync()
    {
        var root = Directory.CreateTempSubdirectory("recorder-hardening-").FullName;
        DataDirectory = Path.Combine(root, "data"); // not there yet: the node makes it
        HttpsPort = FreePorts.Next();
        Node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__DataDirectory"] = DataDirectory,
            ["Recorder__License__Channels"] = "8",
            ["Recorder__Web__HttpsPort"] = HttpsPort.ToString(CultureInfo.InvariantCulture),
        }, dataDirectory: root);
        AdminPassword = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "admin-password"))).Trim();
        await CallPlacer.PlaceAsync(Node, [Refci, NotesRefci], csvLine: (role, refci) => SippRun.Leg(role, refci, nearDevice: NearDevice));
        var recordings = (await Node.WaitForRecordingsAsync(2, timeout: TimeSpan.FromSeconds(40))).Items;
        Recording = recordings.Single(r => r.Refci == Refci);
        NotesRecording = recordings.Single(r => r.Refci == NotesRefci);
        await CreateUserAsync(new { name = "alice", role = "user", password = Password, numbers = new[] { "198101" } });
        // The note the browser test reads back, written before any test runs: the limits test fills the recording up
        // to its 100 notes, and the test order is not fixed.
        using var note = await Node.Http.PostAsJsonAsync($"/api/recordings/{Recording.Id}/notes", new { text = BidiNote });
        Assert.True(note.StatusCode == HttpStatusCode.Created, $"{(int)note.StatusCode}: {await note.Content.ReadAsStringAsync()}");
    }

    /// <summary>A note whose text would read backwards without the bidi guard (U+202E RIGHT-TO-LEFT OVERRIDE).</summary>
    internal const string BidiNote = "call back \u202E1002";

    /// <summary>A client signed in with a cookie (no API key), over HTTP or HTTPS.</summary>
    internal async Task<HttpClient> SignInAsync(string user, string? password = null, bool https = false)
    {
        var client = Anonymous(https);
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password = password ?? (user == "admin" ? AdminPassword : Password) });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in of {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>A client with a cookie jar and no credentials; over HTTPS it trusts the node's self-signed certificate.</summary>
    internal HttpClient Anonymous(bool https = false) => new(new HttpClientHandler
    {
        CookieContainer = new CookieContainer(),
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = https ? HttpClientHandler.DangerousAcceptAnyServerCertificateValidator : null,
    })
    {
        BaseAddress = new Uri(https ? $"https://127.0.0.1:{HttpsPort}" : $"http://127.0.0.1:{Node.HttpPort}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    internal async Task CreateUserAsync(object user)
    {
        using var response = await Node.Http.PostAsJsonAsync("/api/users", user);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create user: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync() => await Node.DisposeAsync();
}
