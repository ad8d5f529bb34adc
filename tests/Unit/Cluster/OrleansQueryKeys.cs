namespace OrleansRecorder.Tests.Unit.Cluster;

/// <summary>The OrleansQuery keys the ADO.NET clustering and reminder providers read (ORLEANS.md, the schema contract), for SQLite and PostgreSQL alike.</summary>
internal static class OrleansQueryKeys
{
    public static readonly string[] Clustering =
    [
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey",
        "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    public static readonly string[] Reminders =
    [
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];
}
