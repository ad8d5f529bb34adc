using System.Globalization;
using OrleansRecorder.Silo.Sip.Messages;

namespace OrleansRecorder.Silo.Sip.Transactions;

/// <summary>
/// Server transaction identity, RFC 3261 §17.2.3: the top Via branch (with the <c>z9hG4bK</c> magic cookie), the top
/// Via sent-by, and the method, where ACK maps to INVITE.
/// </summary>
/// <remarks>
/// RFC 2543 fallback (branch without the cookie), simplified from §17.2.3: Call-ID, CSeq number, From tag and the whole
/// top Via value stand in for the branch. It misses the Request-URI and To-tag comparisons of the full rule, which only
/// matter for forked or proxied pre-3261 traffic; CUCM always sends RFC 3261 branches.
/// </remarks>
internal readonly record struct TransactionKey(string Branch, string SentBy, string Method)
{
    /// <summary>The key of the transaction <paramref name="request"/> belongs to (ACK → its INVITE's).</summary>
    public static TransactionKey FromRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Create(request, request.Method == "ACK" ? "INVITE" : request.Method);
    }

    /// <summary>RFC 3261 §9.2: the INVITE transaction a CANCEL targets (same matching, method INVITE).</summary>
    public static TransactionKey ForCancelledInvite(SipRequest cancel)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        return Create(cancel, "INVITE");
    }

    private static TransactionKey Create(SipRequest request, string method)
    {
        var via = request.TopVia;
        var sentBy = via.SentBy.ToLowerInvariant();
        if (via.Branch is { } branch && branch.StartsWith(ViaHeader.MagicCookie, StringComparison.Ordinal))
        {
            return new TransactionKey(branch, sentBy, method);
        }

        var composite = string.Create(CultureInfo.InvariantCulture,
            $"rfc2543|{request.CallId}|{request.CSeq.Number}|{request.From.Tag}|{via}");
        return new TransactionKey(composite, sentBy, method);
    }
}
