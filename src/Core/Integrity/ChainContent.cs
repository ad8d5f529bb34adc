namespace OrleansRecorder.Silo.Integrity;

/// <summary>What the signature check said of one chain entry.</summary>
internal enum ChainContent
{
    /// <summary>Signed by a trusted key and unchanged.</summary>
    Valid,

    /// <summary>Signed by a trusted key, but the content no longer matches the signature.</summary>
    Changed,

    /// <summary>Not signed, or signed by a key nobody trusts: it was not written by a recorder node.</summary>
    Foreign,
}
