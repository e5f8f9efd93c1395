using BenchmarkDotNet.Running;

// Runs the benchmarks chosen on the command line, e.g. --filter '*Vector*' (see docs/performance.md).
BenchmarkSwitcher.FromAssembly(typeof(Engram.Benchmarks.Samples).Assembly).Run(args);
