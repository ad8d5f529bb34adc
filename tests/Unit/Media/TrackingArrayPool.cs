using System.Buffers;

namespace OrleansRecorder.Tests.Unit.Media;

/// <summary>
/// A pool that watches its arrays: every rental is a fresh array, remembered until returned; a return of an array not out
/// (twice, or never rented) is counted; what a returned array held is copied on return, so that a write into it afterwards
/// (a use after return) shows in <see cref="ReturnedArraysUnchanged"/>.
/// </summary>
internal sealed class TrackingArrayPool<T> : ArrayPool<T>
{
    private readonly Lock _lock = new();
    private readonly HashSet<T[]> _out = new(ReferenceEqualityComparer.Instance);
    private readonly List<(T[] Array, T[] Snapshot)> _returned = [];

    public int Rented { get; private set; }

    public int ReturnedCount { get; private set; }

    /// <summary>Returns of an array that was not out: a second return of the same one, or a foreign array.</summary>
    public int BadReturns { get; private set; }

    public int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _out.Count;
            }
        }
    }

    /// <summary>The arrays rented so far, in order.</summary>
    public List<T[]> RentedArrays { get; } = [];

    public override T[] Rent(int minimumLength)
    {
        var array = new T[minimumLength];
        lock (_lock)
        {
            Rented++;
            _out.Add(array);
            RentedArrays.Add(array);
        }

        return array;
    }

    public override void Return(T[] array, bool clearArray = false)
    {
        if (clearArray)
        {
            Array.Clear(array);
        }

        lock (_lock)
        {
            if (!_out.Remove(array))
            {
                BadReturns++;
                return;
            }

            ReturnedCount++;
            _returned.Add((array, (T[])array.Clone()));
        }
    }

    /// <summary>True when no returned array was written after its return.</summary>
    public bool ReturnedArraysUnchanged()
    {
        lock (_lock)
        {
            return _returned.All(r => r.Array.AsSpan().SequenceEqual(r.Snapshot, EqualityComparer<T>.Default));
        }
    }

    /// <summary>True when the array was returned (and not rented out again: this pool never reuses one).</summary>
    public bool WasReturned(T[] array)
    {
        lock (_lock)
        {
            return _returned.Any(r => ReferenceEquals(r.Array, array));
        }
    }
}
