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

    /// <summary>
    /// RFC 3261 §19.1.1 / §25.1: the user part (which may hold ';', '?', '/' and the rest of user-unreserved) ends at the
    /// '@' before the host, whatever '@' a trunk leaves unescaped in the parameters after it (issue 19, finding 9).
    /// </summary>
    [Fact]
    public void TheUserPartEndsAtTheAtBeforeTheHostWhateverTheParametersHold_Rfc3261_19_1_1() =>
        Gen.Select(
            // Before or after the user, so a %XX escape stays whole.
            Gen.Select(SipGenerators.User, Gen.Char[";?/&=+$,"].Array[0, 3], Gen.Bool,
                (user, extra, front) => front ? new string(extra) + user : user + new string(extra)),
            SipGenerators.Host,
            Gen.Select(Gen.Int[1, 65535], Gen.Bool, (p, with) => with ? p : (int?)null),
            Gen.Select(SipGenerators.SafeToken, SipGenerators.SafeToken, SipGenerators.SafeToken,
                (name, left, right) => $";{name}={left}@{right}").Array[1, 3].Select(string.Concat),
            SipGenerators.UriParameters,
            (user, host, port, odd, parameters) => (user, host, port, text: $"sip:{user}@{host}{(port is { } p ? ":" + p : string.Empty)}{odd}{parameters}"))
        .Sample(c =>
        {
            var uri = SipUri.Parse(c.text);
            Assert.Equal(Uri.UnescapeDataString(c.user), uri.User);
            Assert.Equal(c.host, uri.Host);
            Assert.Equal(c.port, uri.Port);
            Assert.NotNull(uri.Irregularity);
            Assert.Equal(c.text, uri.ToString());
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
