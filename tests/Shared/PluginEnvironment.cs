using System.Diagnostics;

namespace ExecdJvb.Tests.Integration;

internal static class PluginEnvironment
{
    /// <summary>
    /// Drops the caller's EXECD_JVB_* and DOCKER_HOST, which the plugin would read as configuration: a test says
    /// everything the plugin is to know.
    /// </summary>
    public static void Isolate(ProcessStartInfo start)
    {
        foreach (string name in start.Environment.Keys.Where(key => key.StartsWith("EXECD_JVB_", StringComparison.Ordinal) || key == "DOCKER_HOST").ToList())
        {
            start.Environment.Remove(name);
        }
    }
}
