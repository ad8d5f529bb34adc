using OrleansRecorder.Silo.Admin;
using OrleansRecorder.Silo.Licensing;

namespace OrleansRecorder.Tests.Unit.Admin;

/// <summary>
/// The library the operator tools load (src/Core, issue #18 item 2): the commands are in it, and it does not drag in
/// the server, the web host or the Orleans runtime, so a tool starts on a machine with the .NET runtime alone.
/// </summary>
public sealed class ToolLibraryTests
{
    [Fact]
    public void TheCommandsOfBothToolsLiveInTheSharedLibrary()
    {
        Assert.Equal("OrleansRecorder.Core", typeof(AdminCli).Assembly.GetName().Name);
        Assert.Same(typeof(AdminCli).Assembly, typeof(LicenseCli).Assembly);
    }

    [Fact]
    public void TheSharedLibraryReferencesNeitherTheServerNorTheWebHostNorTheOrleansRuntime()
    {
        var references = typeof(AdminCli).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

        Assert.DoesNotContain(references, name => name is "OrleansRecorder.Silo" or "OrleansRecorder.Grains");
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Orleans.Runtime", StringComparison.Ordinal) || name == "Orleans.Server");
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.Extensions.Hosting", StringComparison.Ordinal));
    }
}
