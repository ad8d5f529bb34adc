using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*' --job short --inProcess --artifacts artifacts/benchmarks
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
