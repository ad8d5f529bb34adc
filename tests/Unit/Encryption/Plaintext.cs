using OrleansRecorder.Silo.Encryption;

namespace OrleansRecorder.Tests.Unit.Encryption;

/// <summary>The whole plaintext of an encrypted recording, read through <see cref="DecryptingStream"/>.</summary>
internal static class Plaintext
{
    public static byte[] Of(Stream cipher, byte[] dataKey)
    {
        using var stream = new DecryptingStream(cipher, dataKey);
        using var plain = new MemoryStream();
        stream.CopyTo(plain);
        return plain.ToArray();
    }

    public static byte[] Of(string path, byte[] dataKey) => Of(File.OpenRead(path), dataKey);
}
