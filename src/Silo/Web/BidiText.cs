using System.Text;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Bidirectional override and isolate characters (U+202A–U+202E, U+2066–U+2069) and the marks U+200E/U+200F
/// make text display in another order than it is stored: a number "1002" can read "2001" (Trojan Source,
/// CVE-2021-42574). Where a name or number from the network is shown, each is replaced with its visible
/// <c>&lt;U+XXXX&gt;</c> code, so nothing is hidden and nothing reorders.
/// </summary>
internal static class BidiText
{
    public static bool IsControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F';

    public static string? Neutralise(string? value)
    {
        if (value is null || !value.Any(IsControl))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (IsControl(c))
            {
                text.Append("<U+").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Append('>');
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
