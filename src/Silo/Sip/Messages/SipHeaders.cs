using System.Collections;
using System.Runtime.InteropServices;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// The ordered header lines of a message. Names are canonicalized on <see cref="Add"/> (compact forms expanded,
/// RFC 3261 §7.3.3) and looked up case-insensitively (RFC 3261 §7.3.1). Repeated headers keep their order.
/// </summary>
/// <remarks>
/// A line the parser read keeps its value as a range of the message's head text and becomes a string only when it is
/// read: most lines of a CUCM INVITE (Allow, Supported, User-Agent, Date...) never are. A line also keeps its typed view
/// (<see cref="TypedAt{T}"/>: a From's <see cref="NameAddress"/>, a Via line's values, the CSeq), parsed from its value
/// once: the parser validates From, To, CSeq and the Vias, and the transaction, dialog and call layers read them again
/// several times per request. A line that is set, replaced or removed takes its typed view with it.
/// Not thread-safe for writing: a message belongs to one transaction or one test at a time. Readers of a message that
/// is no longer written may share it: a value or typed view made on first read may be made twice, never seen half made.
/// </remarks>
internal sealed class SipHeaders : IEnumerable<SipHeader>
{
    private readonly List<Line> _lines;

    public SipHeaders()
        : this(0)
    {
    }

    /// <summary>Room for <paramref name="capacity"/> lines (the parser counts them first rather than grow the list).</summary>
    internal SipHeaders(int capacity) => _lines = new List<Line>(capacity);

    public int Count => _lines.Count;

    public SipHeader this[int index] => new(_lines[index].Name, ValueAt(index));

    public string? GetFirst(string name)
    {
        var index = IndexOf(SipHeaderNames.Canonicalize(name), 0);
        return index < 0 ? null : ValueAt(index);
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        List<string>? values = null;
        for (var index = IndexOf(canonical, 0); index >= 0; index = IndexOf(canonical, index + 1))
        {
            (values ??= []).Add(ValueAt(index));
        }

        return values is null ? [] : values;
    }

    public bool Contains(string name) => IndexOf(SipHeaderNames.Canonicalize(name), 0) >= 0;

    public void Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        _lines.Add(new Line(SipHeaderNames.Canonicalize(name), value));
    }

    /// <summary>Replaces every line named <paramref name="name"/> by one line, at the position of the first one.</summary>
    public void Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = IndexOf(canonical, 0);
        if (index < 0)
        {
            _lines.Add(new Line(canonical, value));
            return;
        }

        // index is the first match, so removing every later match leaves the items before it in place.
        _lines[index] = new Line(canonical, value);
        RemoveFrom(canonical, index + 1);
    }

    /// <summary>Replaces the value of the first line named <paramref name="name"/>; returns false if there is none.</summary>
    public bool ReplaceFirst(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = IndexOf(canonical, 0);
        if (index < 0)
        {
            return false;
        }

        _lines[index] = new Line(canonical, value);
        return true;
    }

    /// <summary>Removes every line named <paramref name="name"/>; returns whether any was present.</summary>
    public bool Remove(string name) => RemoveFrom(SipHeaderNames.Canonicalize(name), 0) > 0;

    public SipHeaders Clone()
    {
        var copy = new SipHeaders(_lines.Count + 1);
        copy._lines.AddRange(_lines);
        return copy;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<SipHeader> IEnumerable<SipHeader>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Adds a line read by the parser: <paramref name="canonicalName"/> is already canonical, and the value is the
    /// <paramref name="length"/> characters of <paramref name="text"/> from <paramref name="start"/>.
    /// </summary>
    internal void AddParsed(string canonicalName, string text, int start, int length) =>
        _lines.Add(new Line(canonicalName, text, start, length));

    /// <summary>The index of the first line named <paramref name="canonicalName"/> at or after <paramref name="start"/>, or -1.</summary>
    internal int IndexOf(string canonicalName, int start)
    {
        var lines = CollectionsMarshal.AsSpan(_lines);
        for (var i = start; i < lines.Length; i++)
        {
            if (string.Equals(lines[i].Name, canonicalName, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    internal string ValueAt(int index)
    {
        ref var line = ref CollectionsMarshal.AsSpan(_lines)[index];
        return line.Value ??= line.Text!.Substring(line.Start, line.Length);
    }

    /// <summary>
    /// The typed view of line <paramref name="index"/>: <paramref name="parse"/> of its value, made once and kept with
    /// the line. A value that does not parse throws each time (nothing is kept).
    /// </summary>
    internal T TypedAt<T>(int index, Func<string, T> parse)
    {
        if (CollectionsMarshal.AsSpan(_lines)[index].Typed is T typed)
        {
            return typed;
        }

        var parsed = parse(ValueAt(index));
        CollectionsMarshal.AsSpan(_lines)[index].Typed = parsed;
        return parsed;
    }

    /// <summary>
    /// Appends the first line (or, with <paramref name="all"/>, every line) named <paramref name="canonicalName"/> of
    /// <paramref name="source"/>, typed views included.
    /// </summary>
    internal void CopyFrom(SipHeaders source, string canonicalName, bool all)
    {
        for (var index = source.IndexOf(canonicalName, 0); index >= 0; index = all ? source.IndexOf(canonicalName, index + 1) : -1)
        {
            // The value is made once in the source, so the two messages share one string.
            _ = source.ValueAt(index);
            _lines.Add(source._lines[index]);
        }
    }

    private int RemoveFrom(string canonicalName, int start)
    {
        var kept = start;
        var lines = CollectionsMarshal.AsSpan(_lines);
        for (var i = start; i < lines.Length; i++)
        {
            if (!string.Equals(lines[i].Name, canonicalName, StringComparison.OrdinalIgnoreCase))
            {
                lines[kept++] = lines[i];
            }
        }

        var removed = lines.Length - kept;
        _lines.RemoveRange(kept, removed);
        return removed;
    }

    /// <summary>A header line: its value is either made (<see cref="Value"/>) or a range of the head text.</summary>
    private struct Line
    {
        public Line(string name, string value)
        {
            Name = name;
            Value = value;
        }

        public Line(string name, string text, int start, int length)
        {
            Name = name;
            Text = text;
            Start = start;
            Length = length;
        }

        public string Name { get; }

        public string? Text { get; }

        public int Start { get; }

        public int Length { get; }

        public string? Value;

        public object? Typed;
    }

    /// <summary>Enumerates the lines in order without allocating (the pattern <c>foreach</c> binds to).</summary>
    public struct Enumerator(SipHeaders headers) : IEnumerator<SipHeader>
    {
        private int _index = -1;

        public readonly SipHeader Current => headers[_index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < headers.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
