using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Configuration;
using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Calls.Reporting;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Hosting;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Licensing;
using OrleansRecorder.Silo.Maintenance;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Media.Rtp.Linux;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Dialogs;
using OrleansRecorder.Silo.Sip.Transport;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Web;
using OrleansRecorder.Silo.Webhooks;

// Every file this process makes is private to its user from creation (issue 19, finding 6).
PrivateFiles.RestrictProcessMask();

OrleansRecorder.Silo.Hosting.ThreadPoolFloor.Apply();

// appsettings.json sits beside the binary; the data directory stays relative to where the node is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://localhost:8080");
}

var options = builder.Configuration.GetSection(RecorderOptions.SectionName).Get<RecorderOptions>() ?? new RecorderOptions();
builder.Services.Configure<RecorderOptions>(builder.Configuration.GetSection(RecorderOptions.SectionName));
var dataDirectory = Path.GetFullPath(options.DataDirectory);
PrivateFiles.CreateDirectory(dataDirectory);
var nodeName = string.IsNullOrWhiteSpace(options.Node.Name) ? Environment.MachineName : options.Node.Name;
var settings = RecorderStartup.CreateSettings(options, dataDirectory, nodeName);
var keyRing = KeyRing.Load(options.Encryption, dataDirectory, generate: options.Encryption.Enabled);
settings.Recording.Encryptor = options.Encryption.Enabled ? new RecordingEncryptor(keyRing) : null;
settings.Recording.SegmentKeys = SegmentKeys.Load(options.Encryption, dataDirectory, keyRing);
var signingKey = SigningKeyFile.Load(options.Signing, dataDirectory, nodeName);
settings.Recording.Sealer = new ManifestSealer(signingKey, dataDirectory);

// The cluster database: Orleans membership and reminders, and the recordings catalog (ARCHITECTURE.md).
// Orleans' schemas are applied idempotently at every start (infra/sql/<provider>/, embedded in the binary), the
// catalog's numbered migrations once each (infra/sql/<provider>/migrations/, docs/DATABASE.md).
if (options.Recording.GroupWindow < TimeSpan.Zero)
{
    throw new InvalidOperationException("Recorder:Recording:GroupWindow must not be negative.");
}

var groupRules = new RecordingGroupRules(options.Recording.GroupWindow);
string clusterConnectionString;
string invariant;
IRecordingCatalog catalog;
switch (options.Cluster.Provider.ToLowerInvariant())
{
    case "sqlite":
        clusterConnectionString = options.Cluster.ConnectionString ?? SqliteClusterSchema.ConnectionStringFor(dataDirectory);
        await SqliteClusterSchema.ApplyAsync(clusterConnectionString, CancellationToken.None);
        invariant = SqliteClusterSchema.Invariant;
        catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, clusterConnectionString, groups: groupRules);
        break;
    case "postgres":
        clusterConnectionString = options.Cluster.ConnectionString
            ?? throw new InvalidOperationException("Recorder:Cluster:ConnectionString is required for provider 'postgres'.");
        await PostgresClusterSchema.ApplyAsync(clusterConnectionString, CancellationToken.None);
        invariant = PostgresClusterSchema.Invariant;
        catalog = new DbRecordingCatalog(PostgresCatalogDialect.Instance, clusterConnectionString, groups: groupRules);
        break;
    default:
        throw new InvalidOperationException($"Recorder:Cluster:Provider '{options.Cluster.Provider}' is not supported (sqlite, postgres).");
}

await catalog.InitializeAsync(CancellationToken.None);
builder.Services.AddRecorderObservability();
builder.Services.AddRecorderSecurity(builder.Configuration, options.Cluster.Provider, clusterConnectionString, dataDirectory, signingKey);
builder.Services.AddRecorderWebhooks(builder.Configuration, options.Cluster.Provider, clusterConnectionString);

builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = builder.Configuration["Orleans:ClusterId"] ?? "recorder";
        o.ServiceId = builder.Configuration["Orleans:ServiceId"] ?? "recorder";
    });
    silo.Configure<SiloOptions>(o => o.SiloName = nodeName);
    silo.Configure<EndpointOptions>(o =>
    {
        // One machine by default: advertise loopback unless Orleans:Endpoints:AdvertisedIPAddress says otherwise.
        o.AdvertisedIPAddress ??= IPAddress.Loopback;
        o.SiloPort = builder.Configuration.GetValue("Orleans:Endpoints:SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
        o.GatewayPort = builder.Configuration.GetValue("Orleans:Endpoints:GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
    });
    // Role and name as silo metadata; the maintenance grain prefers the primary (ORLEANS.md §1.3).
    silo.UsePrimaryNodePlacement(nodeName, settings.NodeRole);
    silo.AddPlacementDirector<SiloNamePlacement, SiloNamePlacementDirector>();
    silo.AddPlacementDirector<PeerNodePlacement, PeerNodePlacementDirector>();
    silo.Configure<ClusterMembershipOptions>(o =>
    {
        // Hot standby wants a silently dead node (host gone, nothing answers) declared Dead within 5 s, and a node that
        // load stalls kept as long as that allows (PERFORMANCE.md "Membership under load"). Measured: with 2 s probes
        // Orleans stretched each probe's timeout up to 4 x 2 s, so a frozen node was Dead only after 17 s. Probes of
        // exactly 1 s (Min = Max: no stretching), three missed in a row: a frozen node Dead in 4.3 s, and a freeze that
        // ends before that is not taken for a death (the longest tolerable stall is always just under the detection
        // time: both are "how long may probes go unanswered"). One vote: 2-3 nodes.
        // Orleans:Membership:* in configuration overrides these.
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 3;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        var membership = builder.Configuration.GetSection("Orleans:Membership");
        membership.Bind(o);
        o.MinProbeTimeout = membership["MinProbeTimeout"] is null ? o.ProbeTimeout : o.MinProbeTimeout;
        o.MaxProbeTimeout = membership["MaxProbeTimeout"] is null ? o.ProbeTimeout : o.MaxProbeTimeout;
    });
    silo.Configure<GrainDirectoryOptions>(o =>
    {
        // Orleans' directory-cache size gauge walks the whole cache each time metrics are collected, and the dashboard
        // collects every second: with the default million entries, one per call grain ever looked up, that was 5 % of
        // the CPU at 80 new calls/s and growing (setup-rate profile). Call grains are local to the leg's node; the
        // cluster-wide grains (maintenance, node stores, node status) are a handful, so 10,000 entries is ample.
        o.CacheSize = 10_000;
    });
    silo.UseAdoNetClustering(o =>
    {
        o.Invariant = invariant;
        o.ConnectionString = clusterConnectionString;
    });
    if (builder.Configuration.GetValue<TimeSpan?>("Recorder:Maintenance:MinimumReminderPeriod") is { } minimumPeriod)
    {
        // Tests and demos only: Orleans warns that periods under a minute are unsuitable for production.
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = minimumPeriod);
    }

    silo.UseAdoNetReminderService(o =>
    {
        o.Invariant = invariant;
        o.ConnectionString = clusterConnectionString;
    });
    silo.AddRecorderDashboard();
});

// SIP over TLS (SECURE_MEDIA.md §1): the certificate is loaded (or made) before anything listens, so a bad file stops
// the start with a message naming the setting.
NodeCertificate? nodeCertificate = null;
SipTlsContext? sipTls = null;
if (options.Sip.TlsPort >= 0)
{
    (nodeCertificate, sipTls) = SipTlsSetup.Create(options.Sip.Tls, dataDirectory, nodeName, settings.AdvertisedAddress, TimeProvider.System);
    builder.Services.AddSingleton(nodeCertificate);
}
else if (options.Sip.RequireSecure)
{
    throw new InvalidOperationException("Recorder:Sip:RequireSecure needs the TLS listener (Recorder:Sip:TlsPort is negative).");
}

HttpsSetup.Apply(builder, options.Web, nodeCertificate, dataDirectory, nodeName, settings.AdvertisedAddress);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(keyRing);
builder.Services.AddSingleton(sp => new SigningKeyDirectory(signingKey, options.Signing,
    sp.GetRequiredService<ISecurityStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SigningKeyDirectory>>()));
builder.Services.AddHostedService(sp => sp.GetRequiredService<SigningKeyDirectory>());
builder.Services.AddHostedService(sp => new ChainCheckpointService(settings.Recording.Sealer!, sp.GetRequiredService<ISecurityStore>(),
    options.Signing.CheckpointInterval, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ChainCheckpointService>>()));
builder.Services.AddSingleton<IRecordingCatalog>(catalog);
builder.Services.AddSingleton(sp => new CatalogIndexer(catalog, sp.GetRequiredService<IReplicationQueue>(), dataDirectory,
    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CatalogIndexer>>(), sp.GetRequiredService<IWebhookPublisher>(), nodeName));
builder.Services.AddHostedService<CatalogIndexService>();
builder.Services.AddSingleton<NodeHealth>();
builder.Services.AddSingleton<RuntimeStallMonitor>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<RuntimeStallMonitor>());
builder.Services.AddSingleton(sp => new BackgroundCollectorKeepAlive(new RuntimeBackgroundCollector(), sp.GetRequiredService<TimeProvider>(),
    options.Diagnostics.BackgroundCollectorKeepAlive));
builder.Services.AddHostedService(sp => sp.GetRequiredService<BackgroundCollectorKeepAlive>());
builder.Services.AddSingleton(sp => new ForcedCollectionGate(sp.GetRequiredService<TimeProvider>(), options.Diagnostics.ForcedCollectionInterval));
builder.Services.AddSingleton<CallRegistry>();
builder.Services.AddSingleton(sp => new OrleansRecorder.Silo.Recording.FinalizeWorkers(OrleansRecorder.Silo.Recording.FinalizeWorkers.DefaultThreads, settings.Recording.FinalizeNice,
    settings.Recording.MaxFinalizeBacklog, sp.GetRequiredService<ILogger<OrleansRecorder.Silo.Recording.FinalizeWorkers>>()));
builder.Services.AddSingleton<RecordingCoordinator>();
builder.Services.AddRecorderCallReporting(builder.Configuration);
builder.Services.AddSingleton<RecorderMetrics>();
builder.Services.AddSingleton<MediaMetrics>();
builder.Services.AddSingleton(new RtpPortAllocator(options.Rtp.PortMin, options.Rtp.PortMax));
if (options.Rtp.BatchedReceive && LinuxUdp.IsSupported)
{
    builder.Services.AddSingleton(sp => new RtpReceiveEngine(
        options.Rtp.ReceiveThreads > 0 ? options.Rtp.ReceiveThreads : RtpReceiveEngine.DefaultThreads,
        settings.Receiver.MaxDatagramSize,
        options.Rtp.ReceiveBatchWindow,
        sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<ILogger<RtpReceiveEngine>>()));
}

builder.Services.AddSingleton(sp => LicenseMonitor.Create(options.License, nodeName, settings.NodeRole,
    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LicenseMonitor>>()));
builder.Services.AddSingleton<RecordingUserDirectory>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<RecordingUserDirectory>());
builder.Services.AddSingleton<DialogMetrics>();
builder.Services.AddSingleton(sp => new LegSetup(
    settings,
    sp.GetRequiredService<CallRegistry>(),
    sp.GetRequiredService<RecordingCoordinator>(),
    sp.GetRequiredService<RtpPortAllocator>(),
    sp.GetRequiredService<LicenseMonitor>(),
    sp.GetRequiredService<MediaMetrics>(),
    sp.GetRequiredService<RecorderMetrics>(),
    sp.GetRequiredService<TimeProvider>(),
    sp.GetRequiredService<ILoggerFactory>(),
    sp.GetService<RtpReceiveEngine>()));
builder.Services.AddSingleton<RecorderUserAgent>();

// The graceful stop drains calls for Recorder:Sip:DrainTimeout before the rest of the host stops.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.DrainTimeout + TimeSpan.FromSeconds(30));
builder.Services.AddSingleton<INodeStatusProvider, NodeStatusProvider>();
builder.Services.AddSingleton<ClusterView>();
builder.Services.AddSingleton<PeaksCache>();
builder.Services.AddRecorderMaintenance();
builder.Services.AddRecorderReplication(builder.Configuration, dataDirectory, nodeName);
builder.Services.AddSingleton(sp =>
{
    var dialogs = sp.GetRequiredService<RecorderUserAgent>().Dialogs;
    var stack = new SipStack(
    new SipStackOptions
    {
        ListenAddress = settings.SipListenAddress,
        Port = options.Sip.Port,
        TlsPort = options.Sip.TlsPort,
        Tls = sipTls,
        AdvertisedAddress = settings.AdvertisedAddress,
        IncompleteMessageTimeout = options.Sip.IncompleteMessageTimeout,
        TcpIdleTimeout = options.Sip.TcpIdleTimeout,
        MaxConnectionsPerSource = options.Sip.MaxConnectionsPerSource,
        MaxConnections = options.Sip.MaxConnections,
        IsTrustedSource = settings.TrustedPeers.Contains,
        UntrustedRequestsPerSecond = options.Sip.UntrustedRequestsPerSecond,
        UdpReceiveBufferBytes = options.Sip.UdpReceiveBufferBytes,
    },
    dialogs,
    sp.GetRequiredService<TimeProvider>(),
    sp.GetRequiredService<ILoggerFactory>(),
    sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    // The dialog layer sends our BYEs and UPDATEs through the stack it sits on.
    dialogs.Attach(stack);
    return stack;
});
builder.Services.AddHostedService<SipEdgeService>();
builder.Services.AddHostedService<MediaWatchdog>();
builder.Services.AddSingleton(sp => new OrleansRecorder.Silo.Recording.SegmentSync(
    OrleansRecorder.Silo.Recording.RecordingPaths.SegmentsRoot(sp.GetRequiredService<RecorderSettings>().Recording),
    OrleansRecorder.Silo.Recording.Linux.FileSystemSync.IsSupported ? OrleansRecorder.Silo.Recording.Linux.FileSystemSync.SyncContaining : null,
    sp.GetRequiredService<ILogger<OrleansRecorder.Silo.Recording.SegmentSync>>()));
builder.Services.AddHostedService<SegmentSyncService>();
builder.Services.AddSingleton(ApiKeyStore.Load(options.Auth.AdminApiKey, dataDirectory));
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));

var app = builder.Build();
EncryptionLog.Report(app.Logger, keyRing, options.Encryption.Enabled, dataDirectory);
IntegrityLog.Report(app.Logger, signingKey, options.Signing, dataDirectory);
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRecorderWeb();
app.MapHealthApi();
app.MapRecorderApi();
app.MapRecorderObservability();
await app.RunAsync();

/// <summary>Entry point, visible to the tests.</summary>
public partial class Program;
