using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Tests.Unit.Calls;

public sealed class CallCapacityTests
{
    [Theory]
    [InlineData(499, 0, true)]
    [InlineData(500, 0, false)]
    [InlineData(498, 1, true)]
    [InlineData(499, 1, false)]
    public void ANewCallIsTakenWhileTheRecordedAndTheAdmittedCallsAreUnderTheCapacity(int active, int beingSetUp, bool taken)
    {
        var capacity = new CallCapacity(maxCalls: 500, () => active);

        var refusal = capacity.Check(beingSetUp);

        Assert.Equal(taken, refusal is null);
        if (refusal is { } refused)
        {
            Assert.Equal(503, refused.StatusCode);
            Assert.StartsWith("At capacity: ", refused.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ZeroTurnsTheCapOff()
    {
        Assert.Null(new CallCapacity(maxCalls: 0, () => 1_000_000).Check(1_000));
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(4, 2000)]
    [InlineData(0, 500)]
    public void LeftOutTheCapacityIs500ForEachProcessor(int processors, int expected)
    {
        Assert.Equal(expected, CallCapacity.DefaultFor(processors));
    }
}
