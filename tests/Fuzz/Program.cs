using OrleansRecorder.Fuzz;
using SharpFuzz;

// Usage: OrleansRecorder.Fuzz <sip|sdp|rtp> [input-file ...]
// With files, runs the target on each (to reproduce a finding; an escaping exception is the crash). Without, serves
// AFL++ through SharpFuzz's fork server: run under afl-fuzz on an assembly instrumented by `sharpfuzz` (see run.sh).
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: OrleansRecorder.Fuzz <sip|sdp|rtp> [input-file ...]");
    return 2;
}

FuzzTarget target = args[0] switch
{
    "sip" => FuzzTargets.Sip,
    "sdp" => FuzzTargets.Sdp,
    "rtp" => FuzzTargets.Rtp,
    _ => null!,
};
if (target is null)
{
    Console.Error.WriteLine($"unknown target '{args[0]}'");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;

/// <summary>A fuzz target: parses one input.</summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);
