namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// Shows the progress of one long admin run. The tool passes a terminal progress bar when its output is a terminal;
/// otherwise (redirected output, tests) <see cref="PlainProgress"/> writes a line now and then.
/// </summary>
internal interface IAdminProgress
{
    /// <summary>Runs <paramref name="work"/>, which reports how many items it has done out of <paramref name="total"/> (null: unknown).</summary>
    Task<T> RunAsync<T>(string title, long? total, Func<IProgress<long>, Task<T>> work);
}
