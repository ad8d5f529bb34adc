namespace OrleansRecorder.Silo.Integrity;

/// <summary>One entry of a hash chain as found in a store or the audit log, for <see cref="HashChainVerifier"/>.</summary>
/// <param name="Name">How to name it in a finding (a manifest's path, <c>audit #17</c>).</param>
/// <param name="Id">What the next entry's <paramref name="PrevId"/> names it by (a recording id), or null.</param>
/// <param name="Seq">Its number in the chain when the chain numbers its entries contiguously, else null.</param>
/// <param name="Link">Its hash that the next entry's <paramref name="Prev"/> names; null when it cannot be known (its content was changed).</param>
/// <param name="Prev">The link of the entry before it, as it claims.</param>
/// <param name="PrevId">The id of the entry before it, as it claims, or null.</param>
/// <param name="Content">Whether its content and signature hold.</param>
/// <param name="Problem">Why not, when they do not.</param>
internal sealed record ChainEntry(string Name, string? Id, long? Seq, string? Link, string Prev, string? PrevId, ChainContent Content, string? Problem = null);
