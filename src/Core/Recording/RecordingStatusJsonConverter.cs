using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Recording;

/// <summary>Writes <see cref="RecordingStatus"/> as <c>complete</c>, <c>partial</c>, <c>interrupted</c>.</summary>
internal sealed class RecordingStatusJsonConverter() : JsonStringEnumConverter<RecordingStatus>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);
