using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// <see cref="IWebhookStore"/> over ADO.NET: the same SQL on SQLite and PostgreSQL (times in Unix milliseconds, the
/// event list as JSON text), so only the connection differs, and the catalog's <see cref="CatalogDialect"/> makes it. The tables are schema migration 3
/// (<c>infra/sql/{provider}/migrations/0003_webhooks.sql</c>), applied at start with the catalog's.
/// </summary>
internal sealed class DbWebhookStore(CatalogDialect dialect, string connectionString) : IWebhookStore
{
    private const string SubscriptionColumns = "id, url, events, secret, enabled, description, created_at, updated_at";
    private const string DeliveryColumns =
        "delivery_id, subscription_id, event_id, event_type, payload, created_at, state, attempts, next_attempt_at, last_status, last_error, last_attempt_at, sent_by";

    public async Task<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + SubscriptionColumns + " FROM WebhookSubscriptions ORDER BY created_at, id");
        return await ReadSubscriptionsAsync(command, ct);
    }

    public async Task<WebhookSubscription?> GetSubscriptionAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT " + SubscriptionColumns + " FROM WebhookSubscriptions WHERE id = @id");
        Add(command, "id", id);
        return (await ReadSubscriptionsAsync(command, ct)).SingleOrDefault();
    }

    public async Task AddSubscriptionAsync(WebhookSubscription subscription, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "INSERT INTO WebhookSubscriptions (" + SubscriptionColumns + ") VALUES "
            + "(@id, @url, @events, @secret, @enabled, @description, @created_at, @updated_at)");
        AddSubscription(command, subscription);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, """
            UPDATE WebhookSubscriptions SET url = @url, events = @events, secret = @secret, enabled = @enabled,
                description = @description, updated_at = @updated_at
            WHERE id = @id
            """);
        AddSubscription(command, subscription);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<bool> DeleteSubscriptionAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var deliveries = Command(connection, "DELETE FROM WebhookDeliveries WHERE subscription_id = @id");
        deliveries.Transaction = transaction;
        Add(deliveries, "id", id);
        await deliveries.ExecuteNonQueryAsync(ct);
        await using var subscription = Command(connection, "DELETE FROM WebhookSubscriptions WHERE id = @id");
        subscription.Transaction = transaction;
        Add(subscription, "id", id);
        var removed = await subscription.ExecuteNonQueryAsync(ct) > 0;
        await transaction.CommitAsync(ct);
        return removed;
    }

    public async Task<int> EnqueueAsync(WebhookEvent webhookEvent, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        await using var connection = await OpenAsync(ct);
        // The event list is JSON text: a quoted type cannot match part of another type (types hold no LIKE wildcards).
        await using var command = Command(connection, """
            INSERT INTO WebhookDeliveries (subscription_id, event_id, event_type, payload, created_at, state, attempts, next_attempt_at)
            SELECT id, @event_id, @event_type, @payload, @created_at, 'pending', 0, @created_at
            FROM WebhookSubscriptions WHERE enabled = 1 AND events LIKE @pattern
            ON CONFLICT (subscription_id, event_id) DO NOTHING
            """);
        Add(command, "event_id", webhookEvent.Id);
        Add(command, "event_type", webhookEvent.Type);
        Add(command, "payload", webhookEvent.Body);
        Add(command, "created_at", now.ToUnixTimeMilliseconds());
        Add(command, "pattern", "%\"" + webhookEvent.Type + "\"%");
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(
        string node, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(node);
        await using var connection = await OpenAsync(ct);
        // The outer conditions are checked again on the row being updated (PostgreSQL re-reads a row another
        // transaction changed meanwhile; SQLite has one writer at a time): a row leased by another node is skipped.
        await using var command = Command(connection, """
            UPDATE WebhookDeliveries SET lease_owner = @node, lease_until = @lease_until
            WHERE delivery_id IN (
                SELECT delivery_id FROM WebhookDeliveries
                WHERE state = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY next_attempt_at, delivery_id
                LIMIT @max)
              AND state = 'pending' AND (lease_until IS NULL OR lease_until < @now)
            RETURNING 
            """ + DeliveryColumns);
        Add(command, "node", node);
        Add(command, "lease_until", leaseUntil.ToUnixTimeMilliseconds());
        Add(command, "now", now.ToUnixTimeMilliseconds());
        Add(command, "max", (long)max);
        var claimed = await ReadDeliveriesAsync(command, ct);
        return [.. claimed.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.DeliveryId)];
    }

    public async Task<bool> RecordAttemptAsync(long deliveryId, string node, WebhookDeliveryState state, int attempts,
        DateTimeOffset nextAttemptAt, WebhookAttemptResult result, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(result);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, """
            UPDATE WebhookDeliveries SET state = @state, attempts = @attempts, next_attempt_at = @next_attempt_at,
                last_status = @last_status, last_error = @last_error, last_attempt_at = @at, sent_by = @node,
                lease_owner = NULL, lease_until = NULL
            WHERE delivery_id = @delivery_id AND lease_owner = @node
            """);
        Add(command, "state", StateName(state));
        Add(command, "attempts", DbType.Int32, attempts);
        Add(command, "next_attempt_at", nextAttemptAt.ToUnixTimeMilliseconds());
        Add(command, "last_status", DbType.Int32, result.Status);
        Add(command, "last_error", result.Error);
        Add(command, "at", at.ToUnixTimeMilliseconds());
        Add(command, "node", node);
        Add(command, "delivery_id", deliveryId);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string subscriptionId, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection,
            "SELECT " + DeliveryColumns + " FROM WebhookDeliveries WHERE subscription_id = @id ORDER BY delivery_id DESC LIMIT @limit");
        Add(command, "id", subscriptionId);
        Add(command, "limit", (long)limit);
        return await ReadDeliveriesAsync(command, ct);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "DELETE FROM WebhookDeliveries WHERE state <> 'pending' AND created_at < @before");
        Add(command, "before", before.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The lower-case name stored in the <c>state</c> column.</summary>
    public static string StateName(WebhookDeliveryState state) => state.ToString().ToLowerInvariant();

    /// <summary>A new, open connection to the cluster database (the catalog's dialect opens it).</summary>
    private Task<DbConnection> OpenAsync(CancellationToken ct) => dialect.OpenAsync(connectionString, ct);

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, string? value) => Add(command, name, DbType.String, value);

    private static void Add(DbCommand command, string name, long value) => Add(command, name, DbType.Int64, value);

    private static void Add(DbCommand command, string name, DbType type, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static void AddSubscription(DbCommand command, WebhookSubscription subscription)
    {
        Add(command, "id", subscription.Id);
        Add(command, "url", subscription.Url.AbsoluteUri);
        Add(command, "events", JsonSerializer.Serialize(subscription.Events, SecurityJsonContext.Default.IReadOnlyListString));
        Add(command, "secret", subscription.Secret);
        Add(command, "enabled", DbType.Int32, subscription.Enabled ? 1 : 0);
        Add(command, "description", subscription.Description);
        Add(command, "created_at", subscription.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "updated_at", subscription.UpdatedAt.ToUnixTimeMilliseconds());
    }

    private static async Task<IReadOnlyList<WebhookSubscription>> ReadSubscriptionsAsync(DbCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<WebhookSubscription>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new WebhookSubscription(
                reader.GetString(0),
                new Uri(reader.GetString(1), UriKind.Absolute),
                JsonSerializer.Deserialize(reader.GetString(2), SecurityJsonContext.Default.IReadOnlyListString) ?? [],
                reader.GetString(3),
                Long(reader, 4) != 0,
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Time(reader, 6),
                Time(reader, 7)));
        }

        return list;
    }

    private static async Task<IReadOnlyList<WebhookDelivery>> ReadDeliveriesAsync(DbCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<WebhookDelivery>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new WebhookDelivery(
                Long(reader, 0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                Time(reader, 5),
                Enum.Parse<WebhookDeliveryState>(reader.GetString(6), ignoreCase: true),
                (int)Long(reader, 7),
                Time(reader, 8),
                reader.IsDBNull(9) ? null : (int)Long(reader, 9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : Time(reader, 11),
                reader.IsDBNull(12) ? null : reader.GetString(12)));
        }

        return list;
    }

    private static long Long(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(Long(reader, ordinal));
}
