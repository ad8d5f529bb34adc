using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Recording;

/// <summary>Writes <see cref="AudioCodec"/> as <c>pcmu</c>, <c>pcma</c>, <c>g722</c>.</summary>
internal sealed class AudioCodecJsonConverter() : JsonStringEnumConverter<AudioCodec>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);
