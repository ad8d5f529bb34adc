using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Calls;

/// <summary>Who may be recorded: everybody, or the listed directory numbers and device names.</summary>
internal sealed class RecordingUsers(bool recordAll, IEnumerable<string> numbers)
{
    private readonly HashSet<string> _allowed = new(numbers.Select(n => n.Trim()), StringComparer.OrdinalIgnoreCase);

    /// <summary>The recorded user is the near end: its DN (<c>x-nearendaddr</c>, else the From user) or its device.</summary>
    public bool IsAuthorized(CucmMetadata metadata, string? fromUser)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (recordAll)
        {
            return true;
        }

        return Allowed(metadata.NearEndAddress) || Allowed(fromUser) || Allowed(metadata.NearEndDevice);
    }

    private bool Allowed(string? value) => !string.IsNullOrEmpty(value) && _allowed.Contains(value);
}
