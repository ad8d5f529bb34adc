using System.Text.Json.Serialization;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>Source-generated JSON for the chain head and the exported chain segment.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ChainState))]
internal sealed partial class IntegrityJsonContext : JsonSerializerContext;
