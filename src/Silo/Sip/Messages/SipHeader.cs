namespace OrleansRecorder.Silo.Sip.Messages;

/// <summary>One header line: its canonical name and its (unfolded, trimmed) value.</summary>
internal readonly record struct SipHeader(string Name, string Value);
