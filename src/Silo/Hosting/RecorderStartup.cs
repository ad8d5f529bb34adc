using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Silo.Hosting;

/// <summary>Turns the bound configuration into the settings the call path uses, failing fast on bad values.</summary>
internal static class RecorderStartup
{
    public static RecorderSettings CreateSettings(RecorderOptions options, string dataDirectory, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IPAddress.TryParse(options.Sip.ListenAddress, out var listen))
        {
            throw new InvalidOperationException($"Recorder:Sip:ListenAddress '{options.Sip.ListenAddress}' is not an IP address.");
        }

        if (options.Rtp.PortMin <= 0 || options.Rtp.PortMax > 65535 || options.Rtp.PortMin > options.Rtp.PortMax)
        {
            throw new InvalidOperationException($"Recorder:Rtp port range {options.Rtp.PortMin}-{options.Rtp.PortMax} is invalid.");
        }

        if (options.Sip.DrainTimeout < TimeSpan.Zero || options.Sip.DrainTimeout > TimeSpan.FromMinutes(10))
        {
            throw new InvalidOperationException($"Recorder:Sip:DrainTimeout {options.Sip.DrainTimeout} must be between 0 and 10 minutes.");
        }

        if (options.Sip.MaxInviteQueueDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Recorder:Sip:MaxInviteQueueDelay {options.Sip.MaxInviteQueueDelay} must not be negative (0 turns the check off).");
        }

        if (options.Sip.MaxInvitesInProgress < 0)
        {
            throw new InvalidOperationException($"Recorder:Sip:MaxInvitesInProgress {options.Sip.MaxInvitesInProgress} must not be negative (0 turns the cap off).");
        }

        if (options.Sip.CallCapacity < 0)
        {
            throw new InvalidOperationException($"Recorder:Sip:CallCapacity {options.Sip.CallCapacity} must not be negative (0 turns the cap off; leave it out for {Calls.CallCapacity.DefaultPerProcessor} per processor).");
        }

        var role = options.Node.Role.ToLowerInvariant();
        if (role is not ("primary" or "backup"))
        {
            throw new InvalidOperationException($"Recorder:Node:Role '{options.Node.Role}' must be 'primary' or 'backup'.");
        }

        var advertised = options.Sip.AdvertisedAddress is { Length: > 0 } text
            ? IPAddress.Parse(text)
            : DefaultAdvertisedAddress(listen);
        var offer = Media.Codecs.CodecAvailability.ParseOffer(options.Rtp.OfferedCodecs);
        if (offer.Offered.Count == 0)
        {
            throw new InvalidOperationException(
                $"Recorder:Rtp:OfferedCodecs names no codec this node decodes ({string.Join("; ", offer.LeftOut)}); leave it empty to offer every codec decoded here.");
        }

        var trusted = options.Sip.TrustedPeers.Count > 0 ? options.Sip.TrustedPeers : [.. TrustedPeers.Defaults];
        return new RecorderSettings(
            nodeName,
            role,
            listen,
            advertised,
            new TrustedPeers(trusted),
            new RecordingUsers(options.Users.RecordAll, options.Users.Numbers),
            options.Sip.RetryAfterSeconds,
            options.Sip.MaxInviteQueueDelay,
            options.Sip.MaxInvitesInProgress,
            options.Rtp.MediaTimeout,
            CreateRecordingOptions(options.Recording, dataDirectory),
            new RtpReceiverOptions(),
            options.Sip.DrainTimeout)
        {
            MediaSources = new MediaSourcePolicy(options.Rtp.SourceRule, options.Rtp.LatchPeers),
            CallCapacity = options.Sip.CallCapacity ?? Calls.CallCapacity.DefaultFor(Environment.ProcessorCount),
            RequireSecure = options.Sip.RequireSecure,
            AllowSrtpOverInsecureTransport = options.Sip.AllowSrtpOverInsecureTransport,
            OfferedCodecs = offer.Offered,
            OfferedCodecsLeftOut = offer.LeftOut,
        };
    }

    private static RecordingOptions CreateRecordingOptions(RecordingSettings recording, string dataDirectory)
    {
        var opus = new OpusEncoderOptions
        {
            Bitrate = recording.OpusBitrate,
            Complexity = recording.OpusComplexity,
            SilenceGate = recording.OpusSilenceGate,
            SilenceGateDbov = recording.OpusSilenceGateDbov,
        };
        try
        {
            opus.Validate();
            ArgumentOutOfRangeException.ThrowIfLessThan(recording.FlushInterval, TimeSpan.FromMilliseconds(100), "FlushInterval");
            ArgumentOutOfRangeException.ThrowIfLessThan(recording.SyncInterval, TimeSpan.FromMilliseconds(100), "SyncInterval");
            ArgumentOutOfRangeException.ThrowIfNegative(recording.FinalizeNice, "FinalizeNice");
            ArgumentOutOfRangeException.ThrowIfGreaterThan(recording.FinalizeNice, ThreadNice.Lowest, "FinalizeNice");
            ArgumentOutOfRangeException.ThrowIfNegative(recording.MaxFinalizeBacklog, "MaxFinalizeBacklog");
            return new RecordingOptions
            {
                DataDirectory = dataDirectory,
                MinFreeBytes = recording.MinFreeBytes,
                FlushInterval = recording.FlushInterval,
                SyncInterval = recording.SyncInterval,
                Format = RecordingFormats.Normalize(recording.Format),
                Opus = opus,
                MaskDtmf = recording.MaskDtmf,
                FinalizeNice = recording.FinalizeNice,
                MaxFinalizeBacklog = recording.MaxFinalizeBacklog,
            };
        }
        catch (ArgumentException ex)
        {
            // A bad format must stop the node at start, not fail the first call's finalize.
            throw new InvalidOperationException($"Recorder:Recording: {ex.Message}", ex);
        }
    }

    /// <summary>The listen address itself unless it is a wildcard; then the first up, non-loopback IPv4 address.</summary>
    private static IPAddress DefaultAdvertisedAddress(IPAddress listen)
    {
        if (!listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any))
        {
            return listen;
        }

        var candidate = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return candidate ?? IPAddress.Loopback;
    }
}
