namespace OrleansRecorder.Silo.Integrity;

/// <summary>The head of this node's recording chain, kept in <c>{DataDirectory}/signing/chain-{keyId}.json</c>.</summary>
internal sealed record ChainState(long Seq, string Link, string? Id);
