namespace OrleansRecorder.Tests.Unit.Ports;

/// <summary>
/// The unit tests' band of loopback ports (silo and gateway ports of the in-process ADO.NET clusters). The end-to-end
/// tests run beside them in another process and use 12000-32767; Azurite's default is 10000.
/// </summary>
internal static class UnitTestPorts
{
    public static LoopbackPorts Band { get; } = new(11000, 11999);
}
