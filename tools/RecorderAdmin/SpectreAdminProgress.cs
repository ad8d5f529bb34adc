using OrleansRecorder.Silo.Admin;
using Spectre.Console;

namespace OrleansRecorder.RecorderAdmin;

/// <summary>A Spectre.Console progress bar for <see cref="AdminCli"/>'s long runs, on a terminal only.</summary>
internal sealed class SpectreAdminProgress(IAnsiConsole console) : IAdminProgress
{
    /// <summary>The bar when standard output is an interactive terminal; null (plain lines) when redirected.</summary>
    public static IAdminProgress? ForConsole() =>
        AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected ? new SpectreAdminProgress(AnsiConsole.Console) : null;

    public Task<T> RunAsync<T>(string title, long? total, Func<IProgress<long>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return console.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn(),
                new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: Math.Max(1, total ?? 1));
                task.IsIndeterminate = total is null;
                var result = await work(new Reporter(task, title, total is null));
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    private sealed class Reporter(ProgressTask task, string title, bool indeterminate) : IProgress<long>
    {
        public void Report(long value)
        {
            if (indeterminate)
            {
                task.Description = $"{title} ({value})";
            }
            else
            {
                task.Value = value;
            }
        }
    }
}
