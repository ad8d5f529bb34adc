using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Issue #4's "Chromium and Firefox play it" for the default format: a real Ogg Opus recording of a sipp call, played by
/// the page's player and decoded with Web Audio in Debian's Chromium (Playwright) and Debian's Firefox ESR (WebDriver
/// BiDi, <see cref="FirefoxPage"/>), each signed in through the form as a person would be. The scenario is the same
/// script in both browsers; a browser that cannot demux or decode the file, cannot seek in it, reports the wrong length
/// or swaps the two sides fails it, and so does a server that answers a byte range with anything but those bytes.
/// </summary>
public sealed class OpusPlaybackTests(OpusPlaybackFixture fixture) : IClassFixture<OpusPlaybackFixture>
{
    /// <summary>
    /// Plays the page's <c>#player</c> past 0.5 s, seeks to <c>target</c> and waits for playback to go on from there,
    /// watching for a media error all along. Resolves to a JSON report; <c>failure</c> says what was not reached.
    /// </summary>
    private const string PlayAndSeekScript = """
        async argument => {
          const { target } = JSON.parse(argument);
          const audio = document.querySelector('#player');
          if (!audio) return JSON.stringify({ failure: 'no #player on the page' });
          const events = [];
          for (const name of ['loadedmetadata', 'canplay', 'playing', 'waiting', 'stalled', 'seeking', 'seeked', 'error']) {
            audio.addEventListener(name, () => events.push(`${name}@${audio.currentTime.toFixed(2)}`));
          }
          const state = () => `currentTime ${audio.currentTime}, duration ${audio.duration}, readyState ${audio.readyState}, ` +
            `networkState ${audio.networkState}, paused ${audio.paused}, error ${audio.error ? audio.error.code + ' ' + audio.error.message : 'none'}, ` +
            `events ${events.join(' ')}`;
          const until = async (what, reached, milliseconds) => {
            const end = performance.now() + milliseconds;
            while (!reached()) {
              if (audio.error || performance.now() > end) throw new Error(`${what} not reached: ${state()}`);
              await new Promise(resolve => setTimeout(resolve, 20));
            }
          };
          const report = { failure: null };
          try {
            audio.play().catch(error => events.push(`play() rejected: ${error}`));
            await until('currentTime > 0.5', () => audio.currentTime > 0.5, 10000);
            report.playedTo = audio.currentTime;
            report.duration = audio.duration;

            let seeked = false;
            audio.addEventListener('seeked', () => { seeked = true; }, { once: true });
            audio.currentTime = target;
            await until('seeked', () => seeked, 5000);
            report.seekedTo = audio.currentTime;
            await until('playback after the seek', () => audio.currentTime > report.seekedTo + 0.3, 5000);
            report.continuedTo = audio.currentTime;
          } catch (error) {
            report.failure = String(error.message || error);
          }
          audio.pause();
          report.mediaError = audio.error ? audio.error.code : null;
          report.events = events.join(' ');
          return JSON.stringify(report);
        }
        """;

    /// <summary>
    /// Fetches one byte range of the audio with the page's cookie, as a player seeking in a long recording would; past
    /// the HTTP cache, so that the answer is the server's.
    /// </summary>
    private const string RangeScript = """
        async argument => {
          const { url, first, last } = JSON.parse(argument);
          const response = await fetch(url, { headers: { Range: `bytes=${first}-${last}` }, cache: 'no-store' });
          const bytes = new Uint8Array(await response.arrayBuffer());
          return JSON.stringify({
            status: response.status,
            contentType: response.headers.get('content-type'),
            contentRange: response.headers.get('content-range'),
            hex: Array.from(bytes, b => b.toString(16).padStart(2, '0')).join(''),
          });
        }
        """;

    /// <summary>
    /// Fetches the audio with the page's cookie, decodes it with the browser's own decoder (Web Audio, at 48 kHz, the
    /// rate Opus decodes at) and returns per channel the Goertzel power at the near-end and far-end tones. Past the HTTP
    /// cache: after the player's range requests, Firefox answers a plain fetch from its cache with a 206.
    /// </summary>
    private const string DecodeScript = """
        async argument => {
          const { url, near, far } = JSON.parse(argument);
          const response = await fetch(url, { cache: 'no-store' });
          const report = { status: response.status, contentType: response.headers.get('content-type'), failure: null, channels: [] };
          const encoded = await response.arrayBuffer();
          let buffer;
          try {
            buffer = await new OfflineAudioContext(2, 48000, 48000).decodeAudioData(encoded);
          } catch (error) {
            report.failure = `decodeAudioData rejected ${encoded.byteLength} bytes: ${error}`;
            return JSON.stringify(report);
          }
          const power = (samples, frequency) => {
            const coefficient = 2 * Math.cos(2 * Math.PI * frequency / buffer.sampleRate);
            let s1 = 0, s2 = 0;
            for (const sample of samples) {
              const s0 = sample + coefficient * s1 - s2;
              s2 = s1;
              s1 = s0;
            }
            return (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / Math.max(1, samples.length);
          };
          report.sampleRate = buffer.sampleRate;
          report.duration = buffer.duration;
          for (let channel = 0; channel < buffer.numberOfChannels; channel++) {
            const samples = buffer.getChannelData(channel);
            report.channels.push({ near: power(samples, near), far: power(samples, far) });
          }
          return JSON.stringify(report);
        }
        """;

    private string AudioPath => $"/api/recordings/{fixture.Recording.Id}/audio";

    [Theory]
    [InlineData("chromium")]
    [InlineData("firefox")]
    public async Task ThePlayerPlaysTheOggOpusRecordingAndSeeksToTheMiddle(string browser)
    {
        var page = await fixture.SignedInPageAsync(browser);
        await page.EvaluateAsync("hash => { location.hash = hash; return ''; }", $"#/recording/{fixture.Recording.Id}");
        // Not a wait for a shown #player: Chromium hides the controls of an audio element in error, and the script's
        // report of that error says more than a timeout would.
        await page.WaitForSelectorAsync("#details");

        var target = Math.Round(fixture.Recording.DurationSeconds / 2, 2);
        var json = await page.EvaluateAsync(PlayAndSeekScript, Json(new { target }));
        TestContext.Current.TestOutputHelper?.WriteLine($"{page.Browser}: {json}; the recording has {fixture.Recording.DurationSeconds} s");
        var report = JsonSerializer.Deserialize<PlaybackReport>(json, JsonDefaults.Options)!;
        Assert.True(report.Failure is null, $"{page.Browser}: {report.Failure}");
        Assert.Null(report.MediaError);
        Assert.True(report.PlayedTo > 0.5, $"{page.Browser} played to {report.PlayedTo}");
        // The element's duration is the Ogg stream's (last granule position less the pre-skip): the recording's length.
        Assert.True(report.Duration is { } duration && Math.Abs(duration - fixture.Recording.DurationSeconds) < 0.1,
            $"{page.Browser}: duration {report.Duration}, the recording has {fixture.Recording.DurationSeconds} s");
        Assert.True(Math.Abs(report.SeekedTo - target) < 0.1, $"{page.Browser} seeked to {report.SeekedTo}, not {target}: {report.Events}");
        Assert.True(report.ContinuedTo > report.SeekedTo + 0.3, $"{page.Browser}: playback stopped at {report.ContinuedTo}");

        // The server answers a byte range (from the middle, where a seek in a longer recording would start) with 206
        // and exactly those bytes of the file.
        var first = fixture.Audio.Length / 2;
        var last = first + 99;
        var rangeJson = await page.EvaluateAsync(RangeScript, Json(new { url = AudioPath, first, last }));
        var range = JsonSerializer.Deserialize<RangeReport>(rangeJson, JsonDefaults.Options)!;
        Assert.Equal(206, range.Status);
        Assert.Equal("audio/ogg", range.ContentType);
        Assert.Equal($"bytes {first}-{last}/{fixture.Audio.Length}", range.ContentRange);
        Assert.Equal(Convert.ToHexStringLower(fixture.Audio.AsSpan(first, 100)), range.Hex);
    }

    [Theory]
    [InlineData("chromium")]
    [InlineData("firefox")]
    public async Task WebAudioDecodesTheNearEndOnTheLeftAndTheFarEndOnTheRight(string browser)
    {
        var page = await fixture.SignedInPageAsync(browser);

        var json = await page.EvaluateAsync(DecodeScript, Json(new { url = AudioPath, near = CallPlacer.NearTone, far = CallPlacer.FarTone }));
        TestContext.Current.TestOutputHelper?.WriteLine($"{page.Browser}: {json}; the recording has {fixture.Recording.DurationSeconds} s");
        var report = JsonSerializer.Deserialize<DecodeReport>(json, JsonDefaults.Options)!;
        Assert.Equal(200, report.Status);
        Assert.Equal("audio/ogg", report.ContentType);
        Assert.True(report.Failure is null, $"{page.Browser}: {report.Failure}");
        Assert.Equal(2, report.Channels.Count);
        var (left, right) = (report.Channels[0], report.Channels[1]);
        Assert.True(left.Near > 100 * left.Far, $"{page.Browser}: near-end tone on the left ({left.Near:E2} against {left.Far:E2})");
        Assert.True(right.Far > 100 * right.Near, $"{page.Browser}: far-end tone on the right ({right.Far:E2} against {right.Near:E2})");
        Assert.True(Math.Abs(report.Duration - fixture.Recording.DurationSeconds) < 0.1,
            $"{page.Browser} decoded {report.Duration} s, the recording has {fixture.Recording.DurationSeconds} s");
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonDefaults.Options);

    private sealed record PlaybackReport(
        string? Failure, double PlayedTo, double? Duration, double SeekedTo, double ContinuedTo, int? MediaError, string Events);

    private sealed record RangeReport(int Status, string? ContentType, string? ContentRange, string Hex);

    private sealed record DecodeReport(int Status, string? ContentType, string? Failure, double SampleRate, double Duration, List<ChannelTones> Channels);

    private sealed record ChannelTones(double Near, double Far);
}
