using System.Runtime.InteropServices;

namespace OrleansRecorder.Silo.Recording.Linux;

/// <summary>
/// <c>syncfs(2)</c>: forces everything written to one filesystem onto its disk with a single call, one journal commit
/// and one cache flush of the device, where an <c>fsync</c> per file costs a commit and a flush each.
/// </summary>
/// <remarks>
/// Why hand-written: .NET exposes <c>fsync</c> (<see cref="RandomAccess.FlushToDisk"/>) but neither <c>syncfs</c> nor
/// opening a directory, and no package served here does. Linux reports writeback errors through <c>syncfs</c> since
/// 5.8; on an older kernel a failed write shows only at the leg's own <c>fsync</c> when it closes.
/// </remarks>
internal static partial class FileSystemSync
{
    private const int OpenReadOnly = 0;
    private const int OpenDirectory = 0x10000;
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>ENOSYS: no such system call (a kernel before 2.6.39, or a sandbox that filters it).</summary>
    public const int ErrorNotImplemented = 38;

    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Syncs the filesystem that holds <paramref name="directory"/>; 0, or the <c>errno</c> of what failed.</summary>
    public static int SyncContaining(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var descriptor = Open(directory, OpenReadOnly | OpenDirectory | OpenCloseOnExec);
        if (descriptor < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        try
        {
            return SyncFs(descriptor) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
