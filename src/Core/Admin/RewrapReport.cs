namespace OrleansRecorder.Silo.Admin;

/// <summary>What one <c>rewrap</c> run did.</summary>
internal sealed class RewrapReport
{
    public long Read { get; set; }

    public long Rewrapped { get; set; }

    /// <summary>Wrapped by another KEK than the one rotated away from (or moved meanwhile): left as they are.</summary>
    public long OtherKek { get; set; }

    public List<(string Name, string Problem)> Failed { get; } = [];
}
