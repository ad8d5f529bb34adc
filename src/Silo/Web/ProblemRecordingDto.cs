namespace OrleansRecorder.Silo.Web;

/// <summary>A recording with problems (<c>gaps</c>, <c>media-timeout</c>, <c>no-media</c>), for a link to its page.</summary>
internal sealed record ProblemRecordingDto(string Id, DateTimeOffset StartedAt, string? NearNumber, string? FarNumber, IReadOnlyList<string> Problems);
