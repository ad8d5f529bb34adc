using System.Globalization;

namespace OrleansRecorder.Silo.Admin;

/// <summary>Progress as plain lines (<c>rebuild: 2000 of 5321</c>) every <paramref name="every"/> items, for logs and pipes.</summary>
internal sealed class PlainProgress(TextWriter output, long every = 1000) : IAdminProgress
{
    public Task<T> RunAsync<T>(string title, long? total, Func<IProgress<long>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var of = total is { } t ? " of " + t.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return work(new Reporter(done =>
        {
            if (done > 0 && done % every == 0)
            {
                output.WriteLine($"{title}: {done.ToString(CultureInfo.InvariantCulture)}{of}");
            }
        }));
    }

    /// <summary>Reports synchronously on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool and reorder lines).</summary>
    private sealed class Reporter(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
