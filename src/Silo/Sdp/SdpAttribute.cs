namespace OrleansRecorder.Silo.Sdp;

/// <summary>
/// An attribute line the model has no typed property for (<c>a=name</c> or <c>a=name:value</c>), kept so that it
/// survives a parse/write round trip.
/// </summary>
internal sealed record SdpAttribute(string Name, string? Value);
