using System.Text.Json;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

internal static class JsonDefaults
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
