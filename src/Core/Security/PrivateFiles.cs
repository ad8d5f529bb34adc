using System.Runtime.InteropServices;

namespace OrleansRecorder.Silo.Security;

/// <summary>
/// The node's files hold recordings, personal data and secrets: no other local user may read them (issue 19,
/// finding 6). Directories are made 0700 and files 0600 when they are created, never chmod-ed afterwards (that leaves a
/// window in which another user can open them).
/// </summary>
internal static partial class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Sets the process's file-creation mask to 0077 at start, so every file and directory the node makes (SQLite's
    /// WAL and SHM, segments, exports, Orleans' and Azure's files) is private from its first byte, whoever makes it.
    /// The BCL has no umask; one libc call does not justify a package (LinuxUdp binds libc the same way).
    /// </summary>
    public static void RestrictProcessMask()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            _ = Umask(0b000_111_111); // 0077
        }
    }

    /// <summary>Creates <paramref name="path"/> (and missing parents) 0700; an existing directory keeps its mode.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
    }

    /// <summary>Creates an empty 0600 file when there is none (so a program that fills it later, SQLite, finds it private).</summary>
    public static void CreateEmpty(string path)
    {
        try
        {
            using var _ = new FileStream(path, Options(System.IO.FileMode.CreateNew));
        }
        catch (IOException) when (File.Exists(path))
        {
            // There already: its mode is its owner's choice.
        }
    }

    /// <summary>Writes a secret to a new 0600 file (beside, then moved over any old one), never readable by others.</summary>
    public static async Task WriteSecretAsync(string path, string text, CancellationToken ct)
    {
        var temp = path + ".tmp-" + SecurityStamps.New()[..8];
        await using (var stream = new FileStream(temp, Options(System.IO.FileMode.CreateNew)))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(text.AsMemory(), ct);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The synchronous <see cref="WriteSecretAsync"/>, for start-up code that runs before the host.</summary>
    public static void WriteSecret(string path, string text)
    {
        var temp = path + ".tmp-" + SecurityStamps.New()[..8];
        using (var stream = new FileStream(temp, Options(System.IO.FileMode.CreateNew)))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static FileStreamOptions Options(System.IO.FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return options;
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
