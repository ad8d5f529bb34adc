namespace OrleansRecorder.Silo.Web;

/// <summary>One side of a recorded call in the REST shape.</summary>
internal sealed record PartyDto(string? Number, string? Device);
