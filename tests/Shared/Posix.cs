using System.Runtime.InteropServices;

namespace ExecdJvb.Tests.Integration;

internal static partial class Posix
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
