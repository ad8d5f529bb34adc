var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/live", () => "ok");
await app.RunAsync();

/// <summary>Entry point, visible to the tests.</summary>
public partial class Program;
