using System.Text.Json.Serialization;

namespace OrleansRecorder.Silo.Recording;

/// <summary>Source-generated JSON for manifests and session files (camelCase, enums as lower-case strings).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(RecordingStatusJsonConverter), typeof(AudioCodecJsonConverter)])]
[JsonSerializable(typeof(RecordingManifest))]
[JsonSerializable(typeof(SessionState))]
[JsonSerializable(typeof(Encryption.WrappedDataKey))]
internal sealed partial class RecordingJsonContext : JsonSerializerContext;
