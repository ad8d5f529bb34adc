using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>
/// Client transaction identity, RFC 3261 §17.1.3: a response matches the client transaction whose request's top Via
/// branch equals the response's top Via branch and whose method equals the response's CSeq method (the method is
/// needed because a CANCEL shares its INVITE's branch).
/// </summary>
/// <remarks>Our branches are random (<c>z9hG4bK</c> + 64 bits), so the branch is compared ordinally.</remarks>
internal readonly record struct ClientTransactionKey(string Branch, string Method)
{
    public static ClientTransactionKey FromRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ClientTransactionKey(
            request.TopVia.Branch ?? throw new ArgumentException("The request's top Via has no branch.", nameof(request)),
            request.Method);
    }

    /// <summary>The key a response belongs to, or false when its top Via has no branch (it can match nothing).</summary>
    /// <exception cref="SipParseException">The response has no valid Via or CSeq.</exception>
    public static bool TryFromResponse(SipResponse response, out ClientTransactionKey key)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.TopVia.Branch is not { } branch)
        {
            key = default;
            return false;
        }

        key = new ClientTransactionKey(branch, response.CSeq.Method);
        return true;
    }
}
