using System.Text;
using CsCheck;
using OrleansRecorder.Silo.Sdp;
using OrleansRecorder.Tests.Unit.Sdp;

namespace OrleansRecorder.Tests.Unit.Properties;

/// <summary>Properties of <see cref="SdpParser"/>: any text or bytes give a description or the one <see cref="SdpParseException"/>.</summary>
public sealed class SdpParserProperties
{
    private const int Iterations = 2000;

    private static readonly string[] Fragments =
    [
        "v=0", "v=", "o=", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "c=IN IP4", "t=0 0", "b=AS:64",
        "m=audio ", "m=audio 4000 RTP/AVP 0 8 101", "m=audio 70000 RTP/AVP 0", "m=audio 4000/2 RTP/AVP 0", "m=audio 4000/ x",
        "a=rtpmap:", "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000/1", "a=rtpmap:200 x/0/0", "a=fmtp:",
        "a=fmtp:101 0-15", "a=ptime:", "a=ptime:20.5", "a=ptime:1e308", "a=ptime:-1", "a=sendonly", "a=recvonly",
        "a=inactive", "a=sendrecv:x", " ", "/", ":", "\r\n", "\n", "\r", "=", "0", "99999999999", "\t", "\u00e9",
    ];

    private static readonly Gen<string> SdpText = Gen.OneOf(
        Gen.OneOf(Gen.Int[0, Fragments.Length - 1].Select(i => Fragments[i]), Gen.Char.Select(c => c.ToString()))
            .Array[0, 40].Select(string.Concat),
        Gen.String,
        MutatedSample());

    [Fact]
    public void ArbitraryTextGivesADescriptionOrSdpParseException() =>
        SdpText.Sample(text =>
        {
            Outcome(() => SdpParser.Parse(text));
            Outcome(() => SdpParser.Parse(Encoding.UTF8.GetBytes(text)));
        }, iter: Iterations);

    [Fact]
    public void ArbitraryBytesGiveADescriptionOrSdpParseException() =>
        Gen.Byte.Array[0, 400].Sample(bytes => Outcome(() => SdpParser.Parse(bytes)), iter: Iterations,
            print: SipParserProperties.Hex);

    private static Gen<string> MutatedSample() =>
        SipParserProperties.Mutations(Encoding.UTF8.GetBytes(SdpSamples.CucmAckAnswer)).Select(Encoding.Latin1.GetString);

    private static void Outcome(Func<SessionDescription> parse)
    {
        try
        {
            var description = parse();
            Assert.NotEmpty(description.Media);
            Assert.All(description.Media, m => Assert.InRange(m.Port, 0, 65535));
        }
        catch (SdpParseException)
        {
        }
    }
}
