using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>An audit row with its chain columns (null in rows written before the chain).</summary>
internal sealed record ChainedAuditEntry(AuditEntry Entry, string? Prev, string? Hash, string? KeyId, string? Signature);
