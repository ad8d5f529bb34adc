namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// Which codecs this node decodes and offers, as the start-up log and <c>/api/diagnostics</c> show them: the operator's
/// answer to "why was this call refused" and "how do I enable G.729".
/// </summary>
/// <param name="Decoded">Codecs this node decodes (media subtype names).</param>
/// <param name="Offered">Codecs in our delayed offer, in order.</param>
/// <param name="Unavailable">Codecs we know but cannot decode here, each with the reason and how to enable it.</param>
/// <param name="NotOffered">Configured offer entries left out, each with the reason.</param>
internal sealed record CodecAvailability(
    IReadOnlyList<string> Decoded,
    IReadOnlyList<string> Offered,
    IReadOnlyList<string> Unavailable,
    IReadOnlyList<string> NotOffered)
{
    /// <summary>
    /// Reads <c>Recorder:Rtp:OfferedCodecs</c> (media subtype names, case-insensitive: PCMU, PCMA, G722, G729, opus); an
    /// empty list means every codec this node decodes, G.711 first. Names we cannot decode here (iLBC, iSAC, AMR, G.729
    /// without libbcg729, typos) are left out with the reason, never offered.
    /// </summary>
    public static (IReadOnlyList<AudioCodec> Offered, IReadOnlyList<string> LeftOut) ParseOffer(IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return (AudioDecoders.Available(), []);
        }

        var offered = new List<AudioCodec>();
        var leftOut = new List<string>();
        foreach (var raw in names)
        {
            var name = raw?.Trim() ?? "";
            if (!TryParseName(name, out var codec))
            {
                leftOut.Add($"{name}: no decoder for this codec in the recorder (never offered or accepted)");
            }
            else if (!AudioDecoders.IsAvailable(codec))
            {
                leftOut.Add($"{name}: {Bcg729Library.LoadError}; {Bcg729Library.InstallHint}");
            }
            else if (!offered.Contains(codec))
            {
                offered.Add(codec);
            }
        }

        return (offered, leftOut);
    }

    /// <summary>What this node decodes and offers now.</summary>
    public static CodecAvailability Describe(IReadOnlyList<AudioCodec> offered, IReadOnlyList<string> notOffered)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ArgumentNullException.ThrowIfNull(notOffered);
        var unavailable = new List<string>();
        if (!Bcg729Library.IsAvailable)
        {
            unavailable.Add($"G729: {Bcg729Library.LoadError}; {Bcg729Library.InstallHint}");
        }

        return new CodecAvailability(
            [.. AudioDecoders.Available().Select(Name)],
            [.. offered.Select(Name)],
            unavailable,
            notOffered);
    }

    /// <summary>The SDP media subtype name (RFC 3551, RFC 7587).</summary>
    public static string Name(AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu => "PCMU",
        AudioCodec.Pcma => "PCMA",
        AudioCodec.G722 => "G722",
        AudioCodec.G729 => "G729",
        AudioCodec.Opus => "opus",
        _ => codec.ToString(),
    };

    private static bool TryParseName(string name, out AudioCodec codec)
    {
        foreach (var candidate in AudioDecoders.All)
        {
            if (Name(candidate).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                codec = candidate;
                return true;
            }
        }

        codec = default;
        return false;
    }
}
