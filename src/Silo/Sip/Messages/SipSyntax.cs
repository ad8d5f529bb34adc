using System.Buffers;

namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>Character classes of the RFC 3261 §25.1 grammar.</summary>
internal static class SipSyntax
{
    // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~");

    public static bool IsToken(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExcept(TokenChars);

    public static bool IsWhitespace(char c) => c is ' ' or '\t';
}
