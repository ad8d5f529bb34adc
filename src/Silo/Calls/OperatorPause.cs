namespace OrleansRecorder.Silo.Calls;

/// <summary>An operator's pause of a recording in progress (PCI DSS: card details are not recorded).</summary>
/// <param name="By">Who paused it (user name or API key name).</param>
/// <param name="Since">When.</param>
internal sealed record OperatorPause(string By, DateTimeOffset Since);
