namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// A metadata element this server does not interpret (vendor extension data, unknown elements), kept as it came: its
/// local name, where it was found and its XML, so the manifest loses nothing the SRC sent.
/// </summary>
internal sealed record SiprecExtension(string Name, string Parent, string Xml);
