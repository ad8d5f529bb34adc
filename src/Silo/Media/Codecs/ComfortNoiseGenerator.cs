namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// RFC 3389 comfort noise: white noise at the level the last CN payload signalled, for the time the sender sends nothing.
/// </summary>
/// <remarks>
/// <para>RFC 3389 §3.1: the first payload byte is the noise level in −dBov (0–127), dBov relative to the overload point of
/// the system; for 16-bit linear PCM that is a full-scale square wave, RMS 32767, so the noise RMS is
/// 32767 · 10^(−level/20). The optional spectral parameters (§3.2, reflection coefficients) are ignored: the recording
/// only needs the listener to hear that the line stayed open at that level, and a flat spectrum does that.</para>
/// <para>Uniform noise in [−a, a] has RMS a/√3. A xorshift generator: cheap, no allocation, and the same noise every
/// run for the same level, which keeps recordings reproducible in tests.</para>
/// </remarks>
internal sealed class ComfortNoiseGenerator
{
    /// <summary>RFC 3389 §3.1: levels are 0 to 127 −dBov; the top bit is reserved.</summary>
    public const int MaxLevel = 127;

    private uint _state = 0x9E3779B9;
    private float _amplitude;

    /// <summary>The level in −dBov now used.</summary>
    public int Level { get; private set; } = MaxLevel;

    /// <summary>Sets the level from a CN payload's first byte (RFC 3389 §3.1: its top bit is reserved and ignored).</summary>
    public void SetLevel(int noiseLevelByte)
    {
        Level = noiseLevelByte & MaxLevel;
        var rms = 32767.0 * Math.Pow(10, -Level / 20.0);
        _amplitude = (float)(rms * Math.Sqrt(3));
    }

    /// <summary>The RMS the level asks for, in 16-bit sample units.</summary>
    public static double RmsOf(int level) => 32767.0 * Math.Pow(10, -(level & MaxLevel) / 20.0);

    public void Fill(Span<short> pcm)
    {
        var amplitude = _amplitude;
        var state = _state;
        for (var i = 0; i < pcm.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;

            // Uniform in [-1, 1).
            var unit = ((int)state) / 2147483648f;
            pcm[i] = (short)Math.Clamp(MathF.Round(unit * amplitude), short.MinValue, short.MaxValue);
        }

        _state = state;
    }
}
