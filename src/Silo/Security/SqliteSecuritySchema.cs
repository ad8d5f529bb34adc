using System.Text;
using Microsoft.Data.Sqlite;

namespace OrleansRecorder.Silo.Security;

/// <summary>
/// Issue 19 (findings 3 and 4) on SQLite: user ids, security stamps and key owners by id, added in place to a database
/// made before them (SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>, so the columns present are read first). Keys are
/// bound to their owner by name only when <c>owner_id</c> is new, so a later user of a deleted owner's name never
/// inherits its keys.
/// </summary>
internal static class SqliteSecuritySchema
{
    /// <summary>Run after <c>sqlite/recorder.sql</c> (which creates the tables in their first shape).</summary>
    public static async Task UpgradeAsync(SqliteConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var users = await ColumnsAsync(connection, "Users", ct);
        var keys = await ColumnsAsync(connection, "ApiKeys", ct);
        var sql = new StringBuilder();
        if (!users.Contains("user_id"))
        {
            sql.AppendLine("ALTER TABLE Users ADD COLUMN user_id TEXT NULL;");
        }

        if (!users.Contains("security_stamp"))
        {
            sql.AppendLine("ALTER TABLE Users ADD COLUMN security_stamp TEXT NULL;");
        }

        sql.AppendLine("UPDATE Users SET user_id = lower(hex(randomblob(16))) WHERE user_id IS NULL;");
        sql.AppendLine("UPDATE Users SET security_stamp = lower(hex(randomblob(16))) WHERE security_stamp IS NULL;");
        sql.AppendLine("CREATE UNIQUE INDEX IF NOT EXISTS IX_Users_user_id ON Users (user_id);");
        if (!keys.Contains("owner_id"))
        {
            sql.AppendLine("ALTER TABLE ApiKeys ADD COLUMN owner_id TEXT NULL;");
            sql.AppendLine("UPDATE ApiKeys SET owner_id = (SELECT u.user_id FROM Users u WHERE u.name = ApiKeys.owner);");
        }

        sql.AppendLine("CREATE INDEX IF NOT EXISTS IX_ApiKeys_owner_id ON ApiKeys (owner_id);");
        await using var upgrade = connection.CreateCommand();
        upgrade.CommandText = "BEGIN IMMEDIATE;\n" + sql + "COMMIT;";
        await upgrade.ExecuteNonQueryAsync(ct);
    }

    private static async Task<HashSet<string>> ColumnsAsync(SqliteConnection connection, string table, CancellationToken ct)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var info = connection.CreateCommand();
        info.CommandText = $"SELECT name FROM pragma_table_info('{table}');";
        await using var reader = await info.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }
}
