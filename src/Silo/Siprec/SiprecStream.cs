namespace OrleansRecorder.Silo.Siprec;

/// <summary>A <c>&lt;stream&gt;</c> of the metadata (RFC 7865 §6.7): its id and the SDP <c>a=label</c> it names.</summary>
internal sealed record SiprecStream(string Id, string? Label);
