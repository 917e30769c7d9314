using BenchmarkDotNet.Running;
using CreditShare.Bench;

// dotnet run -c Release --project bench/CreditShare.Bench -- --filter '*'            micro-benchmarks
// dotnet run -c Release --project bench/CreditShare.Bench -- ingest --provider ...   whole-system ingest (see docs/benchmarks.md)
// dotnet run -c Release --project bench/CreditShare.Bench -- gateway --provider ...  the gateway's path against the direct API
// dotnet run -c Release --project bench/CreditShare.Bench -- search --provider ...   public register under load (see docs/benchmarks.md)
if (args.Length > 0 && args[0] == "ingest")
{
    return await IngestBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "gateway")
{
    return await GatewayBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "search")
{
    return await SearchBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(IngestBenchmark).Assembly).Run(args);
return 0;
