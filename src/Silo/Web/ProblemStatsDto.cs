namespace OrleansRecorder.Silo.Web;

/// <summary><c>GET /api/stats/problems</c>: recordings of [From, To) per problem kind, and the newest of them.</summary>
internal sealed record ProblemStatsDto(DateTimeOffset From, DateTimeOffset To, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<ProblemRecordingDto> Recordings);
