using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace OrleansRecorder.Grains.Maintenance;

/// <summary>
/// The export file name (without extension): literal text plus the tokens <c>{date}</c>/<c>{date:format}</c>,
/// <c>{time}</c>/<c>{time:format}</c> (UTC start of the call), <c>{near}</c>, <c>{far}</c> (numbers, else devices) and
/// <c>{id}</c>. Pure.
/// </summary>
/// <remarks>
/// Every substituted value is sanitized to <c>[A-Za-z0-9+._-]</c> (anything else becomes <c>_</c>), so a CUCM number
/// or device name can never add a directory or an invalid character. Literal text may not contain path separators or
/// invalid file-name characters. <c>{id}</c> is required so that two recordings never share a name.
/// </remarks>
internal sealed class ExportFileNamePattern
{
    /// <summary>Longest file name produced (before the extension), well below common 255-byte limits.</summary>
    public const int MaxLength = 200;

    private const int MaxValueLength = 64;
    private static readonly SearchValues<char> SafeChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+._-");

    private readonly Segment[] _segments;

    private ExportFileNamePattern(Segment[] segments, string text)
    {
        _segments = segments;
        Text = text;
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="pattern"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? pattern, [NotNullWhen(true)] out ExportFileNamePattern? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "The file-name pattern is empty.";
            return false;
        }

        var segments = new List<Segment>();
        var literal = new StringBuilder();
        var hasId = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '}')
            {
                error = $"Unexpected '}}' at position {i}.";
                return false;
            }

            if (c != '{')
            {
                if (c is '/' or '\\' || Array.IndexOf(Path.GetInvalidFileNameChars(), c) >= 0 || char.IsControl(c))
                {
                    error = $"The character '{c}' is not allowed in a file name.";
                    return false;
                }

                literal.Append(c);
                continue;
            }

            var end = pattern.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = $"The token at position {i} has no closing '}}'.";
                return false;
            }

            if (literal.Length > 0)
            {
                segments.Add(new Segment(Token.Literal, literal.ToString()));
                literal.Clear();
            }

            var token = pattern[(i + 1)..end];
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? token : token[..colon];
            var format = colon < 0 ? null : token[(colon + 1)..];
            switch (name)
            {
                case "date":
                case "time":
                    format ??= name == "date" ? "yyyyMMdd" : "HHmmss";
                    if (!IsSafeFormat(format))
                    {
                        error = $"The format '{format}' of {{{name}}} may use only date/time letters, digits and '-', '_', '.'.";
                        return false;
                    }

                    segments.Add(new Segment(name == "date" ? Token.Date : Token.Time, format));
                    break;
                case "near" or "far" or "id" when format is null:
                    segments.Add(new Segment(name switch { "near" => Token.Near, "far" => Token.Far, _ => Token.Id }, string.Empty));
                    hasId |= name == "id";
                    break;
                default:
                    error = $"Unknown token '{{{token}}}' (known: {{date:format}}, {{time:format}}, {{near}}, {{far}}, {{id}}).";
                    return false;
            }

            i = end;
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(Token.Literal, literal.ToString()));
        }

        if (!hasId)
        {
            error = "The file-name pattern must contain {id} so that names are unique.";
            return false;
        }

        result = new ExportFileNamePattern([.. segments], pattern);
        error = null;
        return true;
    }

    /// <summary>The file name for one recording (no extension).</summary>
    public string Format(DateTimeOffset startedAt, string? near, string? far, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var utc = startedAt.UtcDateTime;
        var name = new StringBuilder();
        foreach (var segment in _segments)
        {
            name.Append(segment.Kind switch
            {
                Token.Literal => segment.Text,
                Token.Date or Token.Time => Sanitize(utc.ToString(segment.Text, CultureInfo.InvariantCulture)),
                Token.Near => Sanitize(near),
                Token.Far => Sanitize(far),
                _ => Sanitize(id),
            });
        }

        var result = name.ToString().TrimStart('.');
        return result.Length <= MaxLength ? result : result[..MaxLength];
    }

    /// <summary>A value safe as part of a file name: <c>[A-Za-z0-9+._-]</c>, at most 64 characters, never empty.</summary>
    public static string Sanitize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "unknown";
        }

        var span = value.Length <= MaxValueLength ? value.AsSpan() : value.AsSpan(0, MaxValueLength);
        return string.Create(span.Length, span.ToString(), static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = SafeChars.Contains(source[i]) ? source[i] : '_';
            }
        });
    }

    private static bool IsSafeFormat(string format) =>
        format.Length > 0 && format.All(c => "yMdHhmsf".Contains(c, StringComparison.Ordinal) || c is '-' or '_' or '.');

    private enum Token
    {
        Literal,
        Date,
        Time,
        Near,
        Far,
        Id,
    }

    private readonly record struct Segment(Token Kind, string Text);
}
