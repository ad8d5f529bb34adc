namespace OrleansRecorder.Tests.Unit.Recording.Opus;

/// <summary>
/// The Ogg CRC straight from its definition, one bit at a time (RFC 3533 §6: polynomial 0x04C11DB7, MSB first,
/// initial 0, no final xor), so the tests check the writer's table-driven version against something independent.
/// </summary>
internal static class BitwiseOggCrc
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (var b in data)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var inputBit = (uint)(b >> bit) & 1;
                var topBit = crc >> 31;
                crc <<= 1;
                if ((topBit ^ inputBit) != 0)
                {
                    crc ^= 0x04C11DB7;
                }
            }
        }

        return crc;
    }
}
