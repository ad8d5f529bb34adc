using OrleansRecorder.Tests.Unit.Ports;

namespace OrleansRecorder.Tests.Integration;

/// <summary>
/// The integration tests' band of loopback ports (the in-process PostgreSQL cluster's silo and gateway ports). The unit
/// tests use 11000-11999 and the end-to-end tests 12000-32767 in processes of their own at the same time; Azurite's
/// default is 10000.
/// </summary>
internal static class IntegrationTestPorts
{
    public static LoopbackPorts Band { get; } = new(10100, 10999);
}
