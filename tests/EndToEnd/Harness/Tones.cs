using NAudio.Codecs;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>Raw G.711 files of a pure tone, for sipp's rtp_stream.</summary>
internal static class Tones
{
    public const int SampleRate = 8000;

    public static void WriteMuLaw(string path, double frequency, double seconds) =>
        File.WriteAllBytes(path, Encode(frequency, seconds, MuLawEncoder.LinearToMuLawSample));

    public static void WriteALaw(string path, double frequency, double seconds) =>
        File.WriteAllBytes(path, Encode(frequency, seconds, ALawEncoder.LinearToALawSample));

    /// <summary>The raw µ-law bytes of a tone (the payload of PCMU RTP packets, 160 per 20 ms).</summary>
    public static byte[] MuLaw(double frequency, double seconds) => Encode(frequency, seconds, MuLawEncoder.LinearToMuLawSample);

    private static byte[] Encode(double frequency, double seconds, Func<short, byte> encode)
    {
        var samples = (int)(seconds * SampleRate);
        var bytes = new byte[samples];
        for (var i = 0; i < samples; i++)
        {
            bytes[i] = encode((short)(8000 * Math.Sin(2 * Math.PI * frequency * i / SampleRate)));
        }

        return bytes;
    }
}
