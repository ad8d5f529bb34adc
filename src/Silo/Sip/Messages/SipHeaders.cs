using System.Collections;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>
/// The ordered header lines of a message. Names are canonicalized on <see cref="Add"/> (compact forms expanded,
/// RFC 3261 §7.3.3) and looked up case-insensitively (RFC 3261 §7.3.1). Repeated headers keep their order.
/// </summary>
/// <remarks>Not thread-safe: a message belongs to one transaction or one test at a time.</remarks>
internal sealed class SipHeaders : IEnumerable<SipHeader>
{
    private readonly List<SipHeader> _headers = [];

    public int Count => _headers.Count;

    public SipHeader this[int index] => _headers[index];

    public string? GetFirst(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        foreach (var header in _headers)
        {
            if (string.Equals(header.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        List<string>? values = null;
        foreach (var header in _headers)
        {
            if (string.Equals(header.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                (values ??= []).Add(header.Value);
            }
        }

        return values is null ? [] : values;
    }

    public bool Contains(string name) => GetFirst(name) is not null;

    public void Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        _headers.Add(new SipHeader(SipHeaderNames.Canonicalize(name), value));
    }

    /// <summary>Replaces every line named <paramref name="name"/> by one line, at the position of the first one.</summary>
    public void Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            _headers.Add(new SipHeader(canonical, value));
            return;
        }

        // index is the first match, so removing every match leaves the items before it in place.
        _headers.RemoveAll(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase));
        _headers.Insert(index, new SipHeader(canonical, value));
    }

    /// <summary>Replaces the value of the first line named <paramref name="name"/>; returns false if there is none.</summary>
    public bool ReplaceFirst(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            return false;
        }

        _headers[index] = new SipHeader(canonical, value);
        return true;
    }

    /// <summary>Removes every line named <paramref name="name"/>; returns whether any was present.</summary>
    public bool Remove(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        return _headers.RemoveAll(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase)) > 0;
    }

    public SipHeaders Clone()
    {
        var copy = new SipHeaders();
        copy._headers.AddRange(_headers);
        return copy;
    }

    public List<SipHeader>.Enumerator GetEnumerator() => _headers.GetEnumerator();

    IEnumerator<SipHeader> IEnumerable<SipHeader>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
