using OrleansRecorder.Silo.Catalog;
using Microsoft.Extensions.Options;
using OrleansRecorder.Silo.Calls;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>Wiring of the webhooks: store, publisher, outbox writer, dispatcher, alarm watcher, HTTP client.</summary>
internal static class WebhookServiceCollectionExtensions
{
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Binds <see cref="WebhookOptions"/> from <c>Recorder:Webhooks</c>.</param>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The cluster database (the catalog's).</param>
    public static IServiceCollection AddRecorderWebhooks(
        this IServiceCollection services, IConfiguration configuration, string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(provider);
        var section = configuration.GetSection(WebhookOptions.SectionName);
        var options = section.Get<WebhookOptions>() ?? new WebhookOptions();
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }

        services.Configure<WebhookOptions>(section);
        services.AddSingleton<IWebhookStore>(provider.ToLowerInvariant() switch
        {
            "postgres" => new DbWebhookStore(PostgresCatalogDialect.Instance, connectionString),
            _ => new DbWebhookStore(SqliteCatalogDialect.Instance, connectionString),
        });
        services.AddSingleton<WebhookOutbox>();
        // Both need only the node's name (which node queued or sent what), given here so tests can build them plainly.
        services.AddSingleton<IWebhookPublisher>(sp => ActivatorUtilities.CreateInstance<WebhookPublisher>(sp, NodeName(sp)));
        services.AddSingleton<WebhookSender>();
        services.AddHttpClient(WebhookSender.ClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectTimeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout,
                UseCookies = false,
            });
        services.AddHostedService<WebhookOutboxWriter>();
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<WebhookDispatcher>(sp, NodeName(sp)));
        services.AddHostedService<AlarmWatcher>();
        return services;
    }

    private static string NodeName(IServiceProvider services) => services.GetRequiredService<RecorderSettings>().NodeName;
}
