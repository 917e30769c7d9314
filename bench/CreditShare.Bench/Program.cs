using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/CreditShare.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
