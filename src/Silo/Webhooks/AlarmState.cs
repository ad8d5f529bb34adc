namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// Which alarms of this node are raised, and what changed since the last check: a condition becoming true raises its
/// alarm once, its going away clears it once, and a condition that stays is not repeated (the message may change).
/// </summary>
internal sealed class AlarmState
{
    private readonly Dictionary<string, NodeAlarm> _raised = new(StringComparer.Ordinal);

    public IReadOnlyCollection<NodeAlarm> Raised => _raised.Values;

    /// <summary>The transitions from the last check to <paramref name="current"/> (the alarms true now): raised first, then cleared.</summary>
    public IReadOnlyList<(NodeAlarm Alarm, bool Raised)> Update(IReadOnlyList<NodeAlarm> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var changes = new List<(NodeAlarm, bool)>();
        foreach (var alarm in current)
        {
            if (_raised.TryAdd(alarm.Kind, alarm))
            {
                changes.Add((alarm, true));
            }
        }

        foreach (var kind in _raised.Keys.Where(k => current.All(a => a.Kind != k)).ToList())
        {
            changes.Add((_raised[kind], false));
            _raised.Remove(kind);
        }

        return changes;
    }
}
