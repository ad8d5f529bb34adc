namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The JIT since start: methods compiled (every tier counts) and the time spent compiling them. A node keeps compiling
/// for minutes after start (tier 0, then instrumented, then optimized code: PERFORMANCE.md, "Set-up rate"); a count
/// that still climbs on an idle node long after start means something generates code over and over.
/// </summary>
internal sealed record JitDto(long MethodsCompiled, double CompilationMilliseconds);
