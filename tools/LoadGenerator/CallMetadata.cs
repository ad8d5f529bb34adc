using System.Globalization;

namespace OrleansRecorder.LoadGenerator;

/// <summary>The CUCM metadata of one recorded call, unique per run (refci from the run's start time and the call's index).</summary>
internal sealed record CallMetadata(int Index, string RefCi, string FarRefCi, string NearDevice, string NearAddress, string FarDevice, string FarAddress, string ClusterId)
{
    public static CallMetadata For(long runId, int index)
    {
        var refci = string.Create(CultureInfo.InvariantCulture, $"{runId}{index:D5}");
        return new CallMetadata(
            index,
            refci,
            string.Create(CultureInfo.InvariantCulture, $"9{runId}{index:D5}"),
            string.Create(CultureInfo.InvariantCulture, $"SEPLOADNEAR{index:D5}"),
            string.Create(CultureInfo.InvariantCulture, $"2{index:D5}"),
            string.Create(CultureInfo.InvariantCulture, $"SEPLOADFAR{index:D5}"),
            string.Create(CultureInfo.InvariantCulture, $"3{index:D5}"),
            "LoadCluster");
    }
}
