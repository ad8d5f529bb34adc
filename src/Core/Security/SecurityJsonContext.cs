using System.Text.Json.Serialization;

namespace OrleansRecorder.Silo.Security;

/// <summary>Source-generated JSON for the list columns of the Users table.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;
