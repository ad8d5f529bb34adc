using System.Net;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Tests.Unit.Maintenance;

public sealed class PrimaryNodeSelectorTests
{
    private static readonly SiloAddress A = Silo(11111);
    private static readonly SiloAddress B = Silo(11112);
    private static readonly SiloAddress C = Silo(11113);

    [Fact]
    public void ThePrimaryWinsEvenWithAHigherAddress() =>
        Assert.Equal(C, PrimaryNodeSelector.Choose([A, B, C], Roles((A, "backup"), (B, "backup"), (C, "primary"))));

    [Fact]
    public void TheLowestAddressWinsAmongPrimaries() =>
        Assert.Equal(B, PrimaryNodeSelector.Choose([C, B, A], Roles((A, "backup"), (B, "primary"), (C, "primary"))));

    [Fact]
    public void WithoutAPrimaryTheLowestBackupWins() =>
        Assert.Equal(B, PrimaryNodeSelector.Choose([C, B, A], Roles((A, "archive"), (B, "backup"), (C, "backup"))));

    [Fact]
    public void WithoutPrimaryOrBackupAnySiloInAddressOrder() =>
        Assert.Equal(A, PrimaryNodeSelector.Choose([C, B, A], Roles((A, "x"), (B, "y"), (C, "z"))));

    [Fact]
    public void AnEmptyMetadataCacheFallsBackToTheLowestAddressDeterministically()
    {
        Assert.Equal(A, PrimaryNodeSelector.Choose([C, A, B], _ => null));
        Assert.Equal(A, PrimaryNodeSelector.Choose([B, C, A], _ => null));
    }

    [Fact]
    public void AKnownPrimaryBeatsSilosWhoseRoleIsNotKnownYet() =>
        Assert.Equal(C, PrimaryNodeSelector.Choose([A, B, C], Roles((C, "primary"))));

    [Fact]
    public void AnUnknownRoleCountsAsABackup() =>
        Assert.Equal(A, PrimaryNodeSelector.Choose([A, B], Roles((B, "backup"))));

    [Fact]
    public void RolesAreCaseInsensitive() =>
        Assert.Equal(B, PrimaryNodeSelector.Choose([A, B], Roles((A, "Backup"), (B, "PRIMARY"))));

    [Fact]
    public void NoCandidateIsAnError() =>
        Assert.Throws<ArgumentException>(() => PrimaryNodeSelector.Choose([], _ => null));

    [Fact]
    public void MetadataCarriesRoleAndNode()
    {
        var metadata = RecorderSiloMetadata.For("node-a", " Primary ");
        Assert.Equal("primary", metadata["recorder.role"]);
        Assert.Equal("node-a", metadata["recorder.node"]);
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private static Func<SiloAddress, string?> Roles(params (SiloAddress Silo, string Role)[] roles) =>
        silo => roles.Where(r => r.Silo.Equals(silo)).Select(r => r.Role).FirstOrDefault();
}
