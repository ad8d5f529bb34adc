namespace OrleansRecorder.Silo.Web;

/// <summary>A page of recordings and the number that match the filter.</summary>
internal sealed record RecordingListDto(IReadOnlyList<RecordingDto> Items, long Total);
