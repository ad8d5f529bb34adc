using System.Globalization;

namespace OrleansRecorder.Silo.Recording;

/// <summary>Can this node record? The data directory must be writable and have <see cref="RecordingOptions.MinFreeBytes"/> free.</summary>
/// <remarks>Used by the SIP policy to answer 503 so that CUCM fails over to the backup trunk.</remarks>
internal sealed class DiskHealth(RecordingOptions options)
{
    /// <summary>Probes the data directory (creates and deletes a file) and checks the free space of its drive.</summary>
    /// <param name="reason">Why not, for logs and the 503 reason; empty when writable.</param>
    public bool IsWritable(out string reason)
    {
        string directory;
        try
        {
            directory = Path.GetFullPath(options.DataDirectory);
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}");
            using (var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                stream.WriteByte(0);
            }

            File.Delete(probe);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            reason = $"data directory '{options.DataDirectory}' is not writable: {exception.Message}";
            return false;
        }

        long free;
        try
        {
            free = new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            reason = $"free space of '{directory}' is unknown: {exception.Message}";
            return false;
        }

        if (free < options.MinFreeBytes)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"only {free} bytes free in '{directory}', below the minimum of {options.MinFreeBytes}");
            return false;
        }

        reason = string.Empty;
        return true;
    }
}
