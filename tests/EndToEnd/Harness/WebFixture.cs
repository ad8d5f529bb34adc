using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// One recorder with the first admin's password set, two recorded sipp calls (near end 198101 and 198202) and a user
/// of each role: <c>sup</c> supervises group <c>sales</c>; <c>alice</c> (198101, in sales) sees the first call;
/// <c>bob</c> (555000) sees nothing; <c>aud</c> is an auditor. Shared by the web API and browser tests.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public const string AdminPassword = "admin-secret-1";
    public const string Password = "password-123";

    internal RecorderNode Node { get; private set; } = null!;
    internal string FirstRefci { get; } = Random.Shared.Next(10_000_000, 49_999_999).ToString(CultureInfo.InvariantCulture);
    internal string SecondRefci { get; } = Random.Shared.Next(50_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
    internal RecordingView First { get; private set; } = null!;
    internal RecordingView Second { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__License__Channels"] = "8",
            ["Recorder__Auth__InitialAdminPassword"] = AdminPassword,
        });
        await CallPlacer.PlaceAsync(Node, [FirstRefci, SecondRefci],
            csvLine: (role, refci) => SippRun.Leg(role, refci, nearNumber: refci == SecondRefci ? "198202" : "198101"));
        var list = await Node.WaitForRecordingsAsync(2, timeout: TimeSpan.FromSeconds(40));
        First = list.Items.Single(r => r.Refci == FirstRefci);
        Second = list.Items.Single(r => r.Refci == SecondRefci);

        await CreateUserAsync(new { name = "sup", role = "supervisor", password = Password, groups = new[] { "sales" } });
        await CreateUserAsync(new { name = "alice", role = "user", password = Password, numbers = new[] { "198101" }, groups = new[] { "sales" } });
        await CreateUserAsync(new { name = "bob", role = "user", password = Password, numbers = new[] { "555000" } });
        await CreateUserAsync(new { name = "aud", role = "auditor", password = Password });
    }

    /// <summary>A client signed in with a cookie (no API key).</summary>
    internal async Task<HttpClient> SignInAsync(string user, string? password = null)
    {
        var client = Anonymous();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user, password = password ?? (user == "admin" ? AdminPassword : Password) });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in of {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>A client with a cookie jar and no credentials.</summary>
    internal HttpClient Anonymous() => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{Node.HttpPort}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async ValueTask DisposeAsync() => await Node.DisposeAsync();

    private async Task CreateUserAsync(object user)
    {
        using var response = await Node.Http.PostAsJsonAsync("/api/users", user);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create user: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
