namespace OrleansRecorder.Silo.Sdp;

/// <summary>A line of a type the model does not interpret (<c>i=</c>, <c>u=</c>, <c>e=</c>, <c>k=</c>, <c>r=</c>, <c>z=</c>, unknown letters).</summary>
internal sealed record SdpLine(char Type, string Value);
