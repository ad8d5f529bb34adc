namespace OrleansRecorder.Silo.Siprec;

/// <summary>One recorded stream: the m-line (by index and <c>a=label</c>) and the participant whose voice it carries.</summary>
internal sealed record SiprecChannel(string Label, int MediaIndex, SiprecParticipant? Participant);
