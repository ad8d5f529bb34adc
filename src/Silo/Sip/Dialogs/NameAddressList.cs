namespace OrleansRecorder.Silo.Sip.Dialogs;

/// <summary>
/// Splits a header line that holds several name-addr values (Record-Route, Route, Contact; RFC 3261 §7.3.1) on the
/// commas that separate them, not on commas inside a quoted display name or inside &lt;...&gt;.
/// </summary>
internal static class NameAddressList
{
    public static IReadOnlyList<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var values = new List<string>();
        var inQuotes = false;
        var inAngle = false;
        var start = 0;
        for (var i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '\\' when inQuotes:
                    i++;
                    break;
                case '"':
                    inQuotes = !inQuotes;
                    break;
                case '<' when !inQuotes:
                    inAngle = true;
                    break;
                case '>' when !inQuotes:
                    inAngle = false;
                    break;
                case ',' when !inQuotes && !inAngle:
                    Add(values, line[start..i]);
                    start = i + 1;
                    break;
            }
        }

        Add(values, line[start..]);
        return values;
    }

    private static void Add(List<string> values, string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length > 0)
        {
            values.Add(trimmed);
        }
    }
}
