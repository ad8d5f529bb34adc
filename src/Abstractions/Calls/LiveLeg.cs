namespace OrleansRecorder.Abstractions.Calls;

/// <summary>One leg of a <see cref="LiveCall"/>, with its packet figures at the time of the report.</summary>
/// <param name="CallId">The leg's SIP Call-ID.</param>
/// <param name="Codec">The negotiated codec's name, null until the SDP answer is known.</param>
/// <param name="Held">The peer put the leg on hold.</param>
/// <param name="Ended">BYE, CANCEL or media timeout ended the leg.</param>
/// <param name="PacketsReceived">RTP packets received.</param>
/// <param name="PacketsLost">RTP packets missing from the sequence.</param>
/// <param name="SecondsWritten">Audio written to the leg's segment (progress of the recording on disk).</param>
[GenerateSerializer, Immutable, Alias("live-leg")]
public sealed record LiveLeg(
    [property: Id(0)] string CallId,
    [property: Id(1)] string? Codec,
    [property: Id(2)] bool Held,
    [property: Id(3)] bool Ended,
    [property: Id(4)] long PacketsReceived,
    [property: Id(5)] long PacketsLost,
    [property: Id(6)] double SecondsWritten);
