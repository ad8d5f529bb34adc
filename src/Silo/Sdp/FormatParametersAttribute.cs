namespace OrleansRecorder.Silo.Sdp;

/// <summary><c>a=fmtp:&lt;payload type&gt; &lt;parameters&gt;</c> (RFC 4566 §6), e.g. <c>a=fmtp:101 0-15</c>.</summary>
internal sealed record FormatParametersAttribute(int PayloadType, string Parameters);
