using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(TensorZero.Gateway.Benchmarks.HotPathBenchmarks).Assembly).Run(args);
