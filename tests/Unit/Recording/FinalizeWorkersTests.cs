using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

public sealed class FinalizeWorkersTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WorkRunsOnADedicatedWorkerAndEveryContinuationComesBackToIt()
    {
        using var workers = new FinalizeWorkers(threads: 1, nice: 5, maxBacklog: 0, NullLogger.Instance);

        var seen = await workers.RunAsync(async () =>
        {
            List<(int Id, string? Name, bool Pool)> threads = [Here()];
            await Task.Yield();
            threads.Add(Here());
            await Task.Delay(5);
            threads.Add(Here());

            // Completed on a pool thread (as .NET's async file reads are on Linux): the continuation still comes back.
            await Task.Run(() => Thread.Sleep(5));
            threads.Add(Here());
            return threads;
        }, CancellationToken.None);

        Assert.Equal(4, seen.Count);
        Assert.Single(seen.Select(t => t.Id).Distinct());
        Assert.All(seen, t => Assert.Equal("finalize-0", t.Name));
        Assert.All(seen, t => Assert.False(t.Pool));
        Assert.NotEqual(Environment.CurrentManagedThreadId, seen[0].Id);
    }

    [Fact]
    public async Task OnLinuxTheWorkersRunAtTheNiceValueSetAndTheRestOfTheProcessDoesNot()
    {
        Assert.SkipUnless(ThreadNice.IsSupported, "Per-thread nice values are Linux's.");
        var callerNice = ThreadNice.Read(ThreadNice.CurrentThreadId());
        using var workers = new FinalizeWorkers(threads: 2, nice: 7, maxBacklog: 0, NullLogger.Instance);

        var workerNice = await workers.RunAsync(async () =>
        {
            var before = ThreadNice.Read(ThreadNice.CurrentThreadId());
            await Task.Run(() => Thread.Sleep(5));
            return (before, after: ThreadNice.Read(ThreadNice.CurrentThreadId()));
        }, CancellationToken.None);

        Assert.Equal((7, 7), workerNice);
        Assert.NotNull(callerNice);
        Assert.Equal(callerNice, ThreadNice.Read(ThreadNice.CurrentThreadId()));
    }

    [Fact]
    public async Task AThreadStartedFromAWorkerInheritsItsNiceValueAndIsPutBackToTheProcesss()
    {
        Assert.SkipUnless(ThreadNice.IsSupported, "Per-thread nice values are Linux's.");
        var processNice = ThreadNice.Read(Environment.ProcessId);
        using var workers = new FinalizeWorkers(threads: 1, nice: 9, maxBacklog: 0, NullLogger.Instance);
        using var release = new ManualResetEventSlim();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        // What .NET does when a worker queues pool work while no pool thread is idle: a new thread, made by the worker.
        var workerTid = await workers.RunAsync(() =>
        {
            new Thread(() =>
            {
                started.SetResult(ThreadNice.CurrentThreadId());
                release.Wait(Patience);
            }) { IsBackground = true }.Start();
            return Task.FromResult(ThreadNice.CurrentThreadId());
        }, CancellationToken.None);
        var child = await started.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var inherited = ThreadNice.Read(child);
        var (repaired, refused) = workers.Repair!.RepairNow();
        var after = ThreadNice.Read(child);
        release.Set();

        Assert.Equal(9, inherited);
        Assert.SkipWhen(refused > 0, "Lowering a nice value needs CAP_SYS_NICE or an RLIMIT_NICE that allows it.");
        Assert.True(repaired >= 1);
        Assert.Equal(processNice, after);
        Assert.Equal(9, ThreadNice.Read(workerTid));
    }

    [Fact]
    public void OnLinuxDotNetsThreadPriorityLeavesTheNiceValueAsItIsWhichIsWhyTheWorkersSetItThemselves()
    {
        Assert.SkipUnless(ThreadNice.IsSupported, "Per-thread nice values are Linux's.");
        int? nice = null;
        var thread = new Thread(() => nice = ThreadNice.Read(ThreadNice.CurrentThreadId())) { Priority = ThreadPriority.Lowest };
        var reference = ThreadNice.Read(ThreadNice.CurrentThreadId());

        thread.Start();
        thread.Join();

        Assert.NotNull(nice);
        Assert.Equal(reference, nice);
    }

    [Fact]
    public async Task AFailureReachesTheCallerAsItsOwnExceptionAndTheWorkerGoesOn()
    {
        using var workers = new FinalizeWorkers(threads: 1, nice: 5, maxBacklog: 0, NullLogger.Instance);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => workers.RunAsync<int>(async () =>
        {
            await Task.Yield();
            throw new InvalidDataException("torn segment");
        }, CancellationToken.None));
        var next = await workers.RunAsync(() => Task.FromResult(42), CancellationToken.None);

        Assert.Equal("torn segment", failure.Message);
        Assert.Equal(42, next);
        Assert.Equal(0, workers.Pending);
    }

    [Fact]
    public async Task AFinalizationCancelledWhileQueuedNeverRunsButOneAlreadyRunningFinishes()
    {
        using var workers = new FinalizeWorkers(threads: 1, nice: 5, maxBacklog: 0, NullLogger.Instance);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var runningToken = new CancellationTokenSource();
        var running = workers.RunAsync(async () =>
        {
            started.SetResult();
            await gate.Task;
            return "finished";
        }, runningToken.Token);
        await started.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        using var queuedToken = new CancellationTokenSource();
        var ran = false;
        var queued = workers.RunAsync(() =>
        {
            ran = true;
            return Task.FromResult(0);
        }, queuedToken.Token);

        queuedToken.Cancel();
        runningToken.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Patience, TestContext.Current.CancellationToken));
        gate.SetResult();

        Assert.Equal("finished", await running.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.False(ran);
        Assert.Equal(0, workers.Pending);
    }

    [Fact]
    public async Task NoMoreRunAtOnceThanThereAreWorkersAndTheRestWaitCountedInTheBacklog()
    {
        using var workers = new FinalizeWorkers(threads: 2, nice: 5, maxBacklog: 4, NullLogger.Instance);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var atOnce = 0;
        var most = 0;
        var calls = Enumerable.Range(0, 5).Select(i => workers.RunAsync(async () =>
        {
            var now = Interlocked.Increment(ref atOnce);
            InterlockedMax(ref most, now);
            await gate.Task;
            Interlocked.Decrement(ref atOnce);
            return i;
        }, CancellationToken.None)).ToList();

        Assert.Equal(5, workers.Pending);
        Assert.Equal("Overloaded: 5 recordings waiting to be finalized (limit 4)", workers.OverloadReason);
        await WaitUntilAsync(() => Volatile.Read(ref atOnce) == 2);
        gate.SetResult();

        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, await Task.WhenAll(calls).WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(2, most);
        Assert.Equal(0, workers.Pending);
        Assert.Null(workers.OverloadReason);
    }

    [Fact]
    public async Task AStoppedQueueRefusesNewWorkAndStillFinishesWhatWasQueued()
    {
        var workers = new FinalizeWorkers(threads: 1, nice: 5, maxBacklog: 0, NullLogger.Instance);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = workers.RunAsync(async () =>
        {
            await gate.Task;
            return 1;
        }, CancellationToken.None);
        var second = workers.RunAsync(() => Task.FromResult(2), CancellationToken.None);

        workers.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => workers.RunAsync(() => Task.FromResult(3), CancellationToken.None));
        Assert.False(workers.Stopped.IsCompleted);
        gate.SetResult();

        Assert.Equal(new[] { 1, 2 }, await Task.WhenAll(first, second).WaitAsync(Patience, TestContext.Current.CancellationToken));
        await workers.Stopped.WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task NiceZeroFinalizesOnTheWorkersAtTheProcesssPriorityNeverOnTheThreadPool()
    {
        // A finalization blocks in fsync: on the pool it held up the INVITEs queued behind it (issue 17).
        var callerNice = ThreadNice.IsSupported ? ThreadNice.Read(ThreadNice.CurrentThreadId()) : null;
        using var workers = new FinalizeWorkers(threads: 1, nice: 0, maxBacklog: 0, NullLogger.Instance);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = workers.RunAsync(async () =>
        {
            await gate.Task;
            return (Here(), Nice: ThreadNice.IsSupported ? ThreadNice.Read(ThreadNice.CurrentThreadId()) : null);
        }, CancellationToken.None);
        var secondRan = false;
        var second = workers.RunAsync(() =>
        {
            secondRan = true;
            return Task.FromResult(Here());
        }, CancellationToken.None);

        Assert.False(secondRan);
        Assert.Equal(2, workers.Pending);
        gate.SetResult();

        var (where, nice) = await first.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(("finalize-0", false), (where.Name, where.Pool));
        Assert.Equal(callerNice, nice);
        Assert.Equal(where.Id, (await second.WaitAsync(Patience, TestContext.Current.CancellationToken)).Id);
        Assert.Null(workers.Repair);
        Assert.False(workers.Stopped.IsCompleted);
    }

    private static (int Id, string? Name, bool Pool) Here() =>
        (Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread);

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); seen < value; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
