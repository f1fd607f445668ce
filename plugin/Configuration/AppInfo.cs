using System.Reflection;

namespace ExecdJvb.Configuration;

internal static class AppInfo
{
    public const string Name = "execd-jvb";

    public static string Version { get; } =
        typeof(AppInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
