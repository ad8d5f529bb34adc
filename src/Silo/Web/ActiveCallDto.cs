using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Web;

/// <summary>A call being recorded now, on any node of the cluster.</summary>
/// <param name="RecordingId">The recording it is written into (the id of <c>/api/calls/{id}</c> and, once finalized, of <c>/api/recordings/{id}</c>).</param>
/// <param name="StartedAt">When the first leg was offered.</param>
/// <param name="NearEnd">The recorded user.</param>
/// <param name="FarEnd">The other party.</param>
/// <param name="Refci">CUCM's call reference.</param>
/// <param name="Node">The node that records it.</param>
/// <param name="Legs">The roles present (<c>NearEnd</c>, <c>FarEnd</c>).</param>
/// <param name="State"><c>recording</c>, <c>paused</c>, <c>held</c> or <c>ended</c>.</param>
/// <param name="DurationSeconds">Since the first leg was offered.</param>
/// <param name="NearEndLeg">Packet figures and progress of the near-end leg, null until it came.</param>
/// <param name="FarEndLeg">The same for the far end.</param>
/// <param name="Flags">Flags so far (a leg that ended early says why).</param>
internal sealed record ActiveCallDto(
    string RecordingId, DateTimeOffset StartedAt, PartyDto NearEnd, PartyDto FarEnd, string? Refci, string Node, IReadOnlyList<string> Legs,
    LiveCallState State, double DurationSeconds, LiveLeg? NearEndLeg, LiveLeg? FarEndLeg, IReadOnlyList<string> Flags)
{
    public static ActiveCallDto Of(LiveCall call, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        var m = call.Metadata;
        List<string> legs = [];
        if (call.NearEnd is not null)
        {
            legs.Add(nameof(LegRole.NearEnd));
        }

        if (call.FarEnd is not null)
        {
            legs.Add(nameof(LegRole.FarEnd));
        }

        return new ActiveCallDto(call.RecordingId, call.StartedAt, new PartyDto(m.NearEndAddress, m.NearEndDevice),
            new PartyDto(m.FarEndAddress, m.FarEndDevice), m.RefCi, call.Node, legs, call.State,
            Math.Max(0, (now - call.StartedAt).TotalSeconds), call.NearEnd, call.FarEnd, call.Flags);
    }
}
