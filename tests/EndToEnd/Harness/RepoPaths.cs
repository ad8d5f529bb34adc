namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>Where the built silo and the sipp scenarios are, found from the test binary's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SippScenarios => Path.Combine(Root, "infra", "sipp");

    /// <summary>The silo built next to this test project: artifacts/bin/Silo/{configuration}/OrleansRecorder.Silo.dll.</summary>
    public static string SiloDll
    {
        get
        {
            // AppContext.BaseDirectory is artifacts/bin/EndToEnd/{configuration}/.
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            var path = Path.Combine(Root, "artifacts", "bin", "Silo", configuration, "OrleansRecorder.Silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the silo is missing.", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansRecorder.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OrleansRecorder.sln not found above " + AppContext.BaseDirectory);
    }
}
