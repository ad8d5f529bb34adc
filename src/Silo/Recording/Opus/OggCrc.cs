namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// The Ogg page checksum (RFC 3533 §6): CRC-32 with generator polynomial 0x04C11DB7, processed most significant bit
/// first (not reflected), initial value 0 and no final xor.
/// </summary>
/// <remarks>
/// This is not the zlib/Ethernet CRC-32 (reflected 0xEDB88320, initial ~0 and final
/// xor), which is why it is ours: the two give different values for the same page.
/// </remarks>
internal static class OggCrc
{
    private const uint Polynomial = 0x04C11DB7;

    private static readonly uint[] Table = BuildTable();

    /// <summary>CRC of <paramref name="data"/> starting from 0.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Update(0, data);

    /// <summary>Continues a CRC over more bytes (a page is checksummed header, segment table and body in turn).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = (crc << 8) ^ Table[(int)(((crc >> 24) ^ b) & 0xFF)];
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var r = i << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ Polynomial : r << 1;
            }

            table[i] = r;
        }

        return table;
    }
}
