namespace OrleansRecorder.Silo.Sdp;

/// <summary>
/// The <c>o=</c> line (RFC 4566 §5.2). Session id and version are kept as text: they are numeric strings that some
/// implementations make longer than 64 bits.
/// </summary>
internal sealed record SdpOrigin(
    string UserName,
    string SessionId,
    string SessionVersion,
    string NetworkType,
    string AddressType,
    string Address);
