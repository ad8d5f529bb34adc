namespace OrleansRecorder.Silo.Webhooks;

/// <summary>A condition of this node an operator must act on: <paramref name="Kind"/> names it (<c>disk</c>, <c>licence</c>, <c>cluster-database</c>).</summary>
internal sealed record NodeAlarm(string Kind, string Severity, string Message);
