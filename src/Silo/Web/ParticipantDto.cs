using System.Globalization;
using OrleansRecorder.Silo.Siprec;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// A SIPREC session's participant as the recording page shows it: who, and which channel of the file carries their
/// voice (<see cref="ChannelName"/>), said once here so every client names channels alike.
/// </summary>
internal sealed record ParticipantDto(
    string? Name,
    string? Number,
    string? Aor,
    int? Channel,
    string ChannelName,
    string? Label,
    DateTimeOffset? JoinedAt,
    DateTimeOffset? LeftAt,
    string Display)
{
    public static ParticipantDto From(SiprecParticipantEntry entry, int channels)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var channelName = NameOf(entry.Channel, channels);
        var display = (entry.Name is { } name ? name + " " : "") + (entry.Aor ?? entry.Number ?? entry.Id) + " · " + channelName
            + (entry.Label is { } label ? $" (stream {label})" : "");
        return new ParticipantDto(entry.Name, entry.Number, entry.Aor, entry.Channel, channelName, entry.Label, entry.JoinedAt, entry.LeftAt, display);
    }

    /// <summary>
    /// A channel's name in a file of <paramref name="channels"/>: <c>mono</c> (a single mixed stream), <c>left</c> and
    /// <c>right</c> (two), <c>channel N</c> counted from 1 (more), <c>no channel</c> for a participant not recorded.
    /// </summary>
    public static string NameOf(int? channel, int channels) => channel switch
    {
        null => "no channel",
        0 when channels == 1 => "mono",
        0 when channels == 2 => "left channel",
        1 when channels == 2 => "right channel",
        { } c => "channel " + (c + 1).ToString(CultureInfo.InvariantCulture),
    };
}
