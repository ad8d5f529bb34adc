namespace OrleansRecorder.Tests.Unit;

public sealed class SmokeTests
{
    [Fact]
    public void BuildWorks() => Assert.Equal(4, 2 + 2);
}
