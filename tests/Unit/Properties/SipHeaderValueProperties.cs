using CsCheck;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Tests.Unit.Properties;

/// <summary>Properties of the header-value parsers (<see cref="SipUri"/>, <see cref="NameAddress"/>, <see cref="ViaHeader"/>).</summary>
public sealed class SipHeaderValueProperties
{
    private const int Iterations = 2000;

    private static readonly string[] Fragments =
    [
        "sip:", "sips:", "tel:", "http:", ":", "@", "[", "]", "[::1]", "[2001:db8::1%eth0]", "10.0.0.1", "host", ":5060",
        ":99999", ":", ";", "=", ";tag=1", ";lr", "?", "&", "%", "%4", "%41", "\"", "\\", "<", ">", " ", "\t", ",", "user",
        "pass", "x-nearend", "SIP/2.0/UDP ", "SIP / 2.0 / TCP", ";branch=z9hG4bK1", ";rport", ";received=", "\u00e9", "\0",
    ];

    private static readonly Gen<string> HeaderText = Gen.OneOf(
        Gen.OneOf(Gen.Int[0, Fragments.Length - 1].Select(i => Fragments[i]), Gen.Char.Select(c => c.ToString()))
            .Array[0, 24].Select(string.Concat),
        Gen.String,
        SipGenerators.Uri,
        SipGenerators.NameAddr);

    [Fact]
    public void SipUriTryParseNeverThrowsAndItsTextReparses() =>
        HeaderText.Sample(text =>
        {
            if (SipUri.TryParse(text, out var uri))
            {
                var written = uri.ToString();
                Assert.True(SipUri.TryParse(written, out var again), written);
                Assert.Equal(written, again.ToString());
                Assert.Equal(uri.User, again.User);
                Assert.Equal(uri.Host, again.Host);
                Assert.Equal(uri.Port, again.Port);
            }
        }, iter: Iterations);

    [Fact]
    public void NameAddressParseGivesAValueOrSipParseException() =>
        HeaderText.Sample(text =>
        {
            NameAddress value;
            try
            {
                value = NameAddress.Parse(text);
            }
            catch (SipParseException)
            {
                return;
            }

            // What we write (From/To/Contact in our responses) parses back to the same value.
            var written = value.ToString();
            var again = NameAddress.Parse(written);
            Assert.Equal(written, again.ToString());
            Assert.Equal(value.DisplayName, again.DisplayName);
            Assert.Equal(value.Tag, again.Tag);
        }, iter: Iterations);

    [Fact]
    public void ViaParseAllGivesValuesOrSipParseException() =>
        HeaderText.Sample(text =>
        {
            try
            {
                foreach (var via in ViaHeader.ParseAll(text))
                {
                    Assert.Equal(via.ToString(), ViaHeader.Parse(via.ToString()).ToString());
                }
            }
            catch (SipParseException)
            {
            }
        }, iter: Iterations);
}
