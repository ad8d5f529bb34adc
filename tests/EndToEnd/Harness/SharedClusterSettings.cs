namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>The settings of nodes that form one cluster: a fresh SQLite cluster database and cluster id.</summary>
internal sealed record SharedClusterSettings(string ConnectionString, string ClusterId)
{
    public static SharedClusterSettings Create()
    {
        var directory = Directory.CreateTempSubdirectory("recorder-cluster-").FullName;
        return new SharedClusterSettings($"Data Source={Path.Combine(directory, "cluster.db")};Default Timeout=30;Pooling=True",
            "c" + Guid.NewGuid().ToString("N")[..8]);
    }

    public Dictionary<string, string> With(string role, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Recorder__Cluster__ConnectionString"] = ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Recorder__Node__Role"] = role,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
