using OrleansRecorder.Tests.Unit.Ports;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// The end-to-end tests' loopback ports: SIP, HTTP, silo and gateway ports of recorder nodes, their RTP blocks, sipp's
/// ports, private Azurite and PostgreSQL servers. A band below the ephemeral range (see <see cref="LoopbackPorts"/>);
/// the unit tests, running beside these in another process, use 11000-11999.
/// </summary>
internal static class FreePorts
{
    private static readonly LoopbackPorts Band = new(12000, 32767);

    public static int Next() => Band.Next();

    /// <summary>A block of <paramref name="count"/> consecutive ports, e.g. a recorder's RTP range.</summary>
    public static (int Min, int Max) Range(int count) => Band.Range(count);
}
