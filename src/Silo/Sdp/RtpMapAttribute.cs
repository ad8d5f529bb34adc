namespace OrleansRecorder.Silo.Sdp;

/// <summary><c>a=rtpmap:&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;channels&gt;]</c> (RFC 4566 §6).</summary>
internal sealed record RtpMapAttribute(int PayloadType, string EncodingName, int ClockRate, int? Channels = null);
