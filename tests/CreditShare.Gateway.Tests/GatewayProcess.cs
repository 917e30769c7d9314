using System.Collections.Concurrent;
using System.Diagnostics;

namespace CreditShare.Gateway.Tests;

/// <summary>The gateway as a real process, as a unit runs it (<c>dotnet CreditShare.Gateway.dll --config gateway.json</c>), so a test can SIGKILL it.</summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private GatewayProcess(Process process) => this.process = process;

    public string Output => string.Join('\n', lines);

    public bool HasExited => process.HasExited;

    public static GatewayProcess Start(string configPath, params string[] command)
    {
        var start = Info(configPath, command);
        var process = Process.Start(start)!;
        var gateway = new GatewayProcess(process);
        process.OutputDataReceived += (_, e) => gateway.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Runs a command to its end (<c>check</c>, <c>receipts verify</c>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string configPath, params string[] command)
    {
        using var process = Process.Start(Info(configPath, command))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }

    private static ProcessStartInfo Info(string configPath, string[] command)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Assembly());
        foreach (var word in command)
        {
            start.ArgumentList.Add(word);
        }

        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(configPath);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return start;
    }

    private void Keep(string? line)
    {
        if (line is not null && lines.Count < 5000)
        {
            lines.Enqueue(line);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        process.Dispose();
    }

    public static string Assembly() =>
        Path.Combine(Web.Tests.ServerProcess.WebAssembly().Replace(Path.Combine("CreditShare.Web", "bin"), Path.Combine("CreditShare.Gateway", "bin"), StringComparison.Ordinal)
            .Replace("CreditShare.Web.dll", "CreditShare.Gateway.dll", StringComparison.Ordinal));
}
