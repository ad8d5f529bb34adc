using System.Text;
using CsCheck;

namespace OrleansRecorder.Tests.Unit.Properties;

/// <summary>CsCheck generators of SIP text: well-formed requests (for round trips) and SIP-flavoured noise.</summary>
internal static class SipGenerators
{
    private const string TokenChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
    private const string UserChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,";
    private const string LabelChars = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static readonly Gen<string> Token = Gen.Char[TokenChars].Array[1, 12].Select(c => new string(c));

    /// <summary>A token without '%': safe as a URI parameter name or value, where '%' starts an escape.</summary>
    public static readonly Gen<string> SafeToken =
        Gen.Char[TokenChars.Replace("%", string.Empty, StringComparison.Ordinal)].Array[1, 12].Select(c => new string(c));

    public static readonly Gen<string> Host = Gen.OneOf(
        Gen.Byte.Array[4].Select(b => string.Join('.', b)),
        Gen.Char[LabelChars].Array[1, 10].Select(c => new string(c)).Array[1, 3].Select(l => string.Join('.', l)),
        Gen.UShort.Select(x => $"[2001:db8::{x:x}]"));

    public static readonly Gen<string> User = Gen.OneOf(
        Gen.Char[UserChars].Array[1, 16].Select(c => new string(c)),
        Gen.Int[0, 99999999].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Select(Gen.Char[LabelChars].Array[1, 6], Gen.Byte, (c, b) => new string(c) + "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    public static readonly Gen<string> UriParameters =
        Gen.Select(SafeToken, SafeToken, Gen.Bool, (n, v, flag) => flag ? ";" + n : ";" + n + "=" + v)
            .Array[0, 4].Select(p => string.Concat(p));

    public static readonly Gen<string> Uri = Gen.Select(
        Gen.OneOf("sip", "sips"), User, Host, Gen.Int[0, 65535], Gen.Bool, Gen.Bool, UriParameters,
        (scheme, user, host, port, withUser, withPort, parameters) =>
            $"{scheme}:{(withUser ? user + "@" : string.Empty)}{host}{(withPort ? ":" + port : string.Empty)}{parameters}");

    public static readonly Gen<string> DisplayName =
        Gen.Char["ab Z\"\\-é1"].Array[0, 12].Select(c => new string(c));

    public static readonly Gen<string> NameAddr = Gen.Select(DisplayName, Uri, Token, Token, Gen.Int[0, 2],
        (display, uri, tag, token, form) => form switch
        {
            0 => $"<{uri}>;tag={tag}",
            1 => $"\"{display.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\" <{uri}>;tag={tag}",
            _ => $"{token} <{uri}>",
        });

    public static readonly Gen<string> Method = Gen.OneOf(
        Gen.OneOf("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "UPDATE", "NOTIFY", "REFER"),
        Token);

    /// <summary>An extension header: an <c>X-</c> name (so it never collides with a header the parser checks) and printable text.</summary>
    public static readonly Gen<string> ExtensionHeader = Gen.Select(
        Token, Gen.Char[' ', '~'].Array[1, 40],
        (name, value) => $"X-{name}: {(new string(value).Trim() is { Length: > 0 } v ? v : "x")}\r\n");

    /// <summary>A well-formed request (any method, URI forms, display names, extension headers, a body) as bytes.</summary>
    public static readonly Gen<byte[]> Request = Gen.Select(
        Gen.Select(Method, Uri, Host, Token, NameAddr, NameAddr),
        Gen.Select(Token, Gen.UInt[0u, int.MaxValue], Gen.Int[0, 255], ExtensionHeader.Array[0, 4]),
        Gen.Byte.Array[0, 120],
        (a, b, body) =>
        {
            var (method, uri, viaHost, branch, from, to) = a;
            var (callId, cseq, maxForwards, extensions) = b;
            var head =
                $"{method} {uri} SIP/2.0\r\n" +
                $"Via: SIP/2.0/UDP {viaHost};branch=z9hG4bK{branch};rport\r\n" +
                $"From: {from}\r\n" +
                $"To: {to}\r\n" +
                $"Call-ID: {callId}@{viaHost}\r\n" +
                $"CSeq: {cseq} {method}\r\n" +
                $"Max-Forwards: {maxForwards}\r\n" +
                string.Concat(extensions) +
                $"Content-Length: {body.Length}\r\n\r\n";
            return (byte[])[.. Encoding.UTF8.GetBytes(head), .. body];
        });

    private static readonly string[] Fragments =
    [
        "INVITE ", "ACK ", "BYE ", "SIP/2.0 ", "SIP/2.0", "SIP/3.0", "200 OK", "sip:", "sips:", "tel:", "@", "10.0.0.1", "[::1]",
        "[", "]", ":", ":5060", ";", "=", ",", "\"", "\\", "<", ">", "?", "%", "%4", " ", "\t", "\r\n", "\r\n\r\n", "\r", "\n",
        "\r\n ", "Via: ", "v: ", "SIP/2.0/UDP ", "SIP/2.0/TCP host", ";branch=z9hG4bK1", "From: ", "f: ", "To: ", "Call-ID: ",
        "i: ", "CSeq: ", "1 INVITE", "Max-Forwards: ", "Content-Length: ", "l: ", "0", "7", "99999999999", "-1", "tag=",
        "x-nearend", "\0", "\u00e9", "\uffff",
    ];

    /// <summary>SIP-flavoured noise: fragments of SIP syntax and arbitrary characters in any order.</summary>
    public static readonly Gen<byte[]> Noise = Gen.OneOf(
            Gen.Int[0, Fragments.Length - 1].Select(i => Fragments[i]),
            Gen.Char.Select(c => c.ToString()))
        .Array[0, 60].Select(parts => Encoding.UTF8.GetBytes(string.Concat(parts)));
}
