using System.Text.Json.Serialization;

namespace OrleansRecorder.Silo.Licensing;

/// <summary>Source-generated JSON for licence payloads and envelopes (camelCase, required fields enforced).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(LicenseDocument))]
[JsonSerializable(typeof(LicenseEnvelope))]
internal sealed partial class LicenseJsonContext : JsonSerializerContext;
